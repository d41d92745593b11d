package import NIOCore

/// What a modern (2026-07-28) server needs to know about the client a request is made for
/// (spec digest §2.2, §4.3): its capabilities and the log level it asked for. Ignored for
/// legacy servers, whose session was declared once at `initialize`.
package struct UpstreamRequestMeta: Sendable {
    /// The downstream client's capabilities as a JSON object; nil declares none (`{}`).
    package var clientCapabilities: ByteBuffer?
    /// `io.modelcontextprotocol/logLevel`; nil asks for no `notifications/message`.
    package var logLevel: String?
    /// The caller's own bearer token, for a server configured for `passthrough` (every era).
    /// It is sent only after its `aud` was found to name that server; a request made with a
    /// meta but without a token is refused there (see `UpstreamServer.request`). For a
    /// `delegated` server, the token stored for the caller.
    package var callerToken: String?
    /// The caller's principal id (`key:alice`), for the refusal when a `delegated` server has
    /// no token stored for it. Never sent.
    package var callerID: String?
    /// The trace context the request carries (`_meta.traceparent`, `tracestate`, and the
    /// `traceparent` header over HTTP): the gateway's span for this hop as the parent.
    package var traceParent: String?
    package var traceState: String?

    package init(clientCapabilities: ByteBuffer? = nil, logLevel: String? = nil, callerToken: String? = nil, callerID: String? = nil) {
        self.clientCapabilities = clientCapabilities
        self.logLevel = logLevel
        self.callerToken = callerToken
        self.callerID = callerID
    }
}
