/// Why a request to an upstream server did not get the server's own answer. Mapped to a
/// JSON-RPC error in one place (`GatewayError`), always naming the server.
package enum UpstreamError: Error, Sendable, Equatable {
    /// The server is not running, crashed, or refused the connection.
    case unavailable(server: String, reason: String)
    /// No answer within the configured time.
    case timeout(server: String, after: Duration)
    /// The server broke the protocol (bad handshake, unreadable message).
    case protocolError(server: String, reason: String)
    /// The client cancelled the request.
    case cancelled
}
