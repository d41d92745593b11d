package import NIOCore
package import NIOHTTP1

/// A complete HTTP answer, written at once.
package struct HTTPReply: Sendable {
    package var status: HTTPResponseStatus
    package var headers: [(String, String)]
    package var contentType: String
    package var body: ByteBuffer?
    /// Closes the connection after it (the rest of the request could not be read).
    package var forceClose: Bool

    package init(
        _ status: HTTPResponseStatus, headers: [(String, String)] = [], contentType: String = "application/json", body: ByteBuffer?,
        forceClose: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.contentType = contentType
        self.body = body
        self.forceClose = forceClose
    }
}

/// What the HTTP front door's endpoints make of one request, for the connection to act on.
enum HTTPOutcome {
    /// Answered at once.
    case reply(HTTPReply)
    /// The answer goes through `responder`, which the endpoint asked the connection for
    /// (`HTTPConnection.postResponder`); `exchange` is kept when the client leaving cancels it
    /// (a 2026-07-28 request).
    case answering(HTTPPostResponder, MCPExchange?)
    /// The connection is now the session's GET stream.
    case sessionStream(SSEDownstreamStream, DownstreamSession)
    /// The connection is now an HTTP+SSE (2024-11-05) event stream.
    case legacyStream(LegacySSEConnection)
    /// Decided later, on the connection's event loop (initialize waiting for servers, a
    /// batch, the admin API).
    case later(EventLoopFuture<HTTPOutcome>)
}

/// What an endpoint may ask of the connection it answers on; called on its event loop.
protocol HTTPConnection: AnyObject {
    var channel: any Channel { get }
    /// A responder for the request being answered; the connection waits for it to finish
    /// before the next pipelined request.
    func postResponder(acceptsEventStream: Bool) -> HTTPPostResponder
}
