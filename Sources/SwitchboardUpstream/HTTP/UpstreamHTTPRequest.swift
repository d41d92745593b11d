package import NIOCore
package import NIOHTTP1
package import SwitchboardCore

/// One request to an upstream HTTP server. `Host` and `Content-Length` are added by the
/// connection; everything else (including the configured extra headers) is in `headers`.
package struct UpstreamHTTPRequest: Sendable {
    package var method: HTTPMethod
    /// Path and query, starting with `/`.
    package var target: String
    package var headers: HTTPHeaders
    package var body: ByteBuffer?
    /// The longest silence allowed while waiting for or reading the response; nil for none
    /// (long-lived event streams, whose liveness is the server's business).
    package var readTimeout: TimeAmount?

    package init(
        method: HTTPMethod,
        target: String,
        headers: HTTPHeaders = [:],
        body: ByteBuffer? = nil,
        readTimeout: TimeAmount?
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.readTimeout = readTimeout
    }
}

/// What to do with a response body, chosen by the delegate once the head is known.
package enum UpstreamHTTPBodyMode: Sendable, Equatable {
    /// Deliver the whole body at once; a larger body fails with `frameTooLarge` and the
    /// connection is closed.
    case collect(maxBytes: Int)
    /// Deliver at most the first `maxBytes`, dropping the rest (for error bodies).
    case collectPrefix(maxBytes: Int)
    /// Parse `text/event-stream` and deliver event by event.
    case serverSentEvents(maxEventBytes: Int)
    /// Read and drop the body.
    case discard
}

/// Receives one response. Every method is called on the client's event loop; exactly one
/// `responseEnded` closes every request, including one that never reached the server.
package protocol UpstreamHTTPResponseDelegate: AnyObject, Sendable {
    /// The status line and headers arrived (informational 1xx heads are not reported).
    func responseHead(_ head: HTTPResponseHead) -> UpstreamHTTPBodyMode
    /// The collected body, once, just before `responseEnded(error: nil)`.
    func responseBody(_ body: ByteBuffer)
    /// One event of a `serverSentEvents` body.
    func responseEvent(_ event: SSEEvent)
    /// The exchange is over: the response ended (`nil`), or it failed or was cancelled.
    func responseEnded(error: (any Error)?)
}

extension UpstreamHTTPResponseDelegate {
    package func responseBody(_ body: ByteBuffer) {}
    package func responseEvent(_ event: SSEEvent) {}
}

/// A request and where its response goes: what a connection handler is given to run.
package struct UpstreamHTTPExchange: Sendable {
    package var request: UpstreamHTTPRequest
    package var delegate: any UpstreamHTTPResponseDelegate
    /// Lets the owner close the connection this exchange runs on, to cancel it.
    package var abortHandle: UpstreamHTTPStream?

    package init(request: UpstreamHTTPRequest, delegate: any UpstreamHTTPResponseDelegate, abortHandle: UpstreamHTTPStream? = nil) {
        self.request = request
        self.delegate = delegate
        self.abortHandle = abortHandle
    }
}
