/// What a 2026-07-28 Streamable HTTP request repeats in its headers (spec digest §1.4):
/// `Mcp-Method`, and `Mcp-Name` for the methods that name a tool, prompt or resource. The
/// upstream session reads both while it builds the request, so the transport never rescans
/// the body for them.
package struct UpstreamRequestRouting: Sendable, Equatable {
    package var method: String
    /// `params.name` (tools/call, prompts/get) or `params.uri` (resources/read), not yet encoded.
    package var name: String?
    /// The `traceparent` header: the same context as the body's `_meta` (W3C Trace Context
    /// over HTTP, for proxies and servers that read the header only).
    package var traceParent: String?

    package init(method: String, name: String? = nil, traceParent: String? = nil) {
        self.method = method
        self.name = name
        self.traceParent = traceParent
    }
}
