import NIOCore
import NIOHTTP1
import NIOSSL

/// Sends the GET once the connection is up and collects a 200 response into `promise`; any
/// other outcome fails it. The fetch closes the channel once the promise is completed.
final class JWKSResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let request: HTTPRequestHead
    private let maxBodyBytes: Int
    private let promise: EventLoopPromise<[UInt8]>
    private var body: [UInt8] = []
    private var done = false

    init(request: HTTPRequestHead, maxBodyBytes: Int, promise: EventLoopPromise<[UInt8]>) {
        self.request = request
        self.maxBodyBytes = maxBodyBytes
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard head.status == .ok else { return finish(.failure(.status(Int(head.status.code)))) }
            if let length = head.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBodyBytes {
                return finish(.failure(.tooLarge(limit: maxBodyBytes)))
            }
        case .body(let part):
            guard body.count + part.readableBytes <= maxBodyBytes else { return finish(.failure(.tooLarge(limit: maxBodyBytes))) }
            body.append(contentsOf: part.readableBytesView)
        case .end:
            finish(.success(body))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is NIOSSLError || error is BoringSSLError {
            finish(.failure(.tls(String(describing: error))))
        } else {
            finish(.failure(.connect(String(describing: error))))
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(.closedEarly))
        context.fireChannelInactive()
    }

    private func finish(_ result: Result<[UInt8], JWKSFetchError>) {
        guard !done else { return }
        done = true
        promise.completeWith(result.mapError { $0 as any Error })
    }
}
