/// One tool the demo server offers: its definition and its implementation.
struct DemoTool: Sendable {
    /// The behaviour hints of `ToolAnnotations`; every demo tool leaves its environment alone.
    struct Hints: Sendable {
        var readOnly = true
        var idempotent = true
        var openWorld = false
    }

    var name: String
    var title: String
    var description: String
    var inputSchema: JSONValue
    var outputSchema: JSONValue?
    var hints = Hints()
    var run: @Sendable (ToolArguments, RequestContext) async throws -> ToolResult

    /// The `Tool` object as the negotiated revision defines it: `annotations` from 2025-03-26,
    /// `title` and `outputSchema` from 2025-06-18.
    func definition(for revision: ProtocolRevision) -> JSONValue {
        var tool: [String: JSONValue] = [
            "name": .string(name),
            "description": .string(description),
            "inputSchema": inputSchema,
        ]
        if revision.hasAnnotations {
            tool["annotations"] = [
                "title": .string(title),
                "readOnlyHint": .bool(hints.readOnly),
                "idempotentHint": .bool(hints.idempotent),
                "openWorldHint": .bool(hints.openWorld),
            ]
        }
        if revision.hasTitlesAndStructuredContent {
            tool["title"] = .string(title)
            if let outputSchema { tool["outputSchema"] = outputSchema }
        }
        return .object(tool)
    }
}

extension DemoTool {
    /// An input schema of type object that admits only the listed properties.
    static func objectSchema(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        [
            "type": "object",
            "properties": .object(properties),
            "required": .array(required.map(JSONValue.string)),
            "additionalProperties": false,
        ]
    }
}
