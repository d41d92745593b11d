import NIOCore
import NIOHTTP1
import NIOSSL

/// Sends the request once the connection is up and collects the response, whatever its
/// status, into `promise`; a body over the limit or a connection that ends early fails it.
/// The client closes the channel once the promise is completed.
final class OneShotHTTPResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let request: HTTPRequestHead
    private let requestBody: [UInt8]?
    private let maxBodyBytes: Int
    private let promise: EventLoopPromise<OneShotHTTPResponse>
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []
    private var done = false

    init(request: HTTPRequestHead, body: [UInt8]?, maxBodyBytes: Int, promise: EventLoopPromise<OneShotHTTPResponse>) {
        self.request = request
        self.requestBody = body
        self.maxBodyBytes = maxBodyBytes
        self.promise = promise
    }

    /// Added to a connection that is ready (connected, past any proxy and TLS handshake): the
    /// request goes out at once.
    func handlerAdded(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        if let requestBody, !requestBody.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: requestBody)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            // 1xx heads are not the response.
            guard head.status.code >= 200 else { return }
            self.head = head
            if let length = head.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBodyBytes {
                return finish(.failure(.tooLarge(limit: maxBodyBytes)))
            }
        case .body(let part):
            guard body.count + part.readableBytes <= maxBodyBytes else { return finish(.failure(.tooLarge(limit: maxBodyBytes))) }
            body.append(contentsOf: part.readableBytesView)
        case .end:
            guard let head else { return }
            finish(.success(OneShotHTTPResponse(status: Int(head.status.code), headers: head.headers, body: body)))
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

    private func finish(_ result: Result<OneShotHTTPResponse, OneShotHTTPError>) {
        guard !done else { return }
        done = true
        promise.completeWith(result.mapError { $0 as any Error })
    }
}
