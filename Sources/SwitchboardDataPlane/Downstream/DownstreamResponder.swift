import Synchronization
package import NIOCore

/// Carries everything that answers one client request: messages tied to it (progress, logs,
/// server-to-client requests) and then its response. On HTTP that is the POST's response,
/// JSON or SSE; on stdio it is the one output stream. Methods may be called from any thread.
package protocol DownstreamResponder: AnyObject, Sendable {
    /// A message tied to the request that precedes its response. Returns false when the
    /// responder cannot carry it (JSON-only client, stream already closed).
    @discardableResult
    func sendInterim(_ message: ByteBuffer) -> Bool
    /// The response; nothing more is sent after it.
    func sendFinal(_ message: ByteBuffer)
    /// Ends without a response: the client cancelled the request.
    func abandon()
}

/// The session's channel for messages no request owns (list_changed, resource updates,
/// server-to-client requests after their call ended): the GET stream on HTTP, stdout on stdio.
package protocol DownstreamStream: AnyObject, Sendable {
    /// False when the stream has gone away.
    @discardableResult
    func send(_ message: ByteBuffer) -> Bool
    func close()
}
