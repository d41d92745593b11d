package import NIOHTTP1

/// The W3C Trace Context headers (`traceparent`, `tracestate`) of the HTTP request a message
/// came in. A request's own `_meta.traceparent` goes first (it travels with the message through
/// any proxy); these stand in when it has none, as for a client whose HTTP library traces but
/// whose MCP layer does not. Read only when traces are on.
package struct InboundTraceHeaders: Sendable, Equatable {
    package let parent: String
    package let state: String?

    package init?(_ headers: HTTPHeaders) {
        guard let parent = headers.first(name: "traceparent") else { return nil }
        self.parent = parent
        self.state = headers.first(name: "tracestate")
    }
}

extension HTTPRequest {
    /// Its trace headers, for a message of `session` (nil with traces off: not even looked for).
    func traceHeaders(for session: DownstreamSession) -> InboundTraceHeaders? {
        session.tracer == nil ? nil : InboundTraceHeaders(head.headers)
    }
}
