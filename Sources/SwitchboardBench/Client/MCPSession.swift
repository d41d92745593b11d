/// One MCP session the client side opened: the id the server issued (nil when the server runs
/// sessionless) and the revision it negotiated, both sent on every later request.
struct MCPSession: Sendable, Equatable {
    var id: String?
    var protocolVersion: String
}
