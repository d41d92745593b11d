/// What a 2026-07-28 Streamable HTTP request repeats in its headers (spec digest §1.4):
/// `Mcp-Method`, and `Mcp-Name` for the methods that name a tool, prompt or resource. The
/// upstream session reads both while it builds the request, so the transport never rescans
/// the body for them.
package struct UpstreamRequestRouting: Sendable, Equatable {
    package var method: String
    /// `params.name` (tools/call, prompts/get) or `params.uri` (resources/read), not yet encoded.
    package var name: String?

    package init(method: String, name: String? = nil) {
        self.method = method
        self.name = name
    }
}
