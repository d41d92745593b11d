import Synchronization
package import NIOCore

/// Carries everything that answers one client request: messages tied to it (progress, logs,
/// server-to-client requests) and then its response. On HTTP that is the POST's response,
/// JSON or SSE; on stdio it is the one output stream. Methods may be called from any thread.
/// Only `MCPExchange` holds one; the core answers through the exchange.
package protocol DownstreamResponder: AnyObject, Sendable {
    /// A message tied to the request that precedes its response. Returns false when the
    /// responder cannot carry it (JSON-only client, stream already closed).
    @discardableResult
    func sendInterim(_ message: ByteBuffer) -> Bool
    /// The response; nothing more is sent after it. `httpStatus` is the status it carries
    /// where it still can (a 2026-07-28 "method not found" is a 404, digest §1.4) and
    /// `retryAfter` the seconds of a 429's `Retry-After`; transports without them ignore both.
    func sendFinal(_ message: ByteBuffer, httpStatus: Int, retryAfter: Int?)
    /// Keeps a long-lived answer (a listen stream) alive through idle proxies with periodic
    /// comments, where the transport has such a thing.
    func keepAlive(every interval: TimeAmount)
    /// Ends without a response: the client cancelled the request.
    func abandon()
}

extension DownstreamResponder {
    package func keepAlive(every interval: TimeAmount) {}
}

/// The session's channel for messages no request owns (list_changed, resource updates,
/// server-to-client requests after their call ended): the GET stream on HTTP, stdout on stdio.
package protocol DownstreamStream: AnyObject, Sendable {
    /// False when the stream has gone away.
    @discardableResult
    func send(_ message: ByteBuffer) -> Bool
    func close()
}
