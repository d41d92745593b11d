/// What a tool returns, rendered as a `CallToolResult` for the negotiated revision.
struct ToolResult: Sendable, Hashable {
    var text: String
    var structuredContent: [String: JSONValue]?
    var isError = false

    static func text(_ text: String) -> ToolResult {
        ToolResult(text: text)
    }

    /// Structured output, also serialized as text as the spec asks, so older clients see the same data.
    static func structured(_ content: [String: JSONValue]) -> ToolResult {
        ToolResult(text: JSONValue.object(content).serializedString, structuredContent: content)
    }

    static func failure(_ message: String) -> ToolResult {
        ToolResult(text: message, isError: true)
    }

    func json(for revision: ProtocolRevision) -> JSONValue {
        var result: [String: JSONValue] = ["content": [["type": "text", "text": .string(text)]]]
        if let structuredContent, revision.hasTitlesAndStructuredContent {
            result["structuredContent"] = .object(structuredContent)
        }
        if isError { result["isError"] = true }
        return .object(result)
    }
}
