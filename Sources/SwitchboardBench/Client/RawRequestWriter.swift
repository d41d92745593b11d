import NIOCore
import NIOHTTP1

/// Lets pre-encoded requests (`MCPRequestEncoder`) reach the socket past NIO's response decoder,
/// which must see each request's head go out (it pairs responses with requests, and refuses a
/// response to a request it never saw). The load connection writes a stand-in `.head` for the
/// decoder to note, then the whole encoded request as one `.body`; this handler, first in the
/// pipeline, drops the stand-in and sends the bytes.
final class RawRequestWriter: ChannelOutboundHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = IOData

    /// What the decoder is told about every request: a POST, so it expects a response body.
    static let standInHead = HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/"))

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head:
            promise?.succeed()
        case .body(let bytes):
            context.write(wrapOutboundOut(bytes), promise: promise)
        case .end:
            promise?.fail(BenchError("a load connection writes whole pre-encoded requests only"))
        }
    }
}
