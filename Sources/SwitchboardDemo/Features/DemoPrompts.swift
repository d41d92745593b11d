/// The `explain` prompt and the completions for its arguments.
struct DemoPrompts: Sendable {
    let name = "explain"

    static let levels = ["beginner", "intermediate", "expert"]
    static let topics = ["JSON-RPC", "MCP", "Server-Sent Events", "Swift concurrency", "SwiftNIO", "TCP"]

    func explain(for revision: ProtocolRevision) -> JSONValue {
        var topic: [String: JSONValue] = ["name": "topic", "description": "What to explain.", "required": true]
        var level: [String: JSONValue] = [
            "name": "level", "description": "beginner, intermediate (default) or expert.", "required": false,
        ]
        var prompt: [String: JSONValue] = [
            "name": .string(name),
            "description": "Asks the model to explain a topic at a chosen level.",
        ]
        if revision.hasTitlesAndStructuredContent {
            topic["title"] = "Topic"
            level["title"] = "Level"
            prompt["title"] = "Explain a topic"
        }
        prompt["arguments"] = [.object(topic), .object(level)]
        return .object(prompt)
    }

    /// `prompts/get`.
    func get(_ params: [String: JSONValue]) throws(JSONRPCError) -> JSONValue {
        guard let requested = params["name"]?.stringValue else {
            throw JSONRPCError.invalidParams("Invalid params: name must be a string")
        }
        guard requested == name else { throw JSONRPCError.invalidParams("Unknown prompt: \(requested)") }
        let arguments = params["arguments"]?.objectValue ?? [:]
        guard let topic = arguments["topic"]?.stringValue, !topic.isEmpty else {
            throw JSONRPCError.invalidParams("Invalid params: argument 'topic' is required")
        }
        let level = arguments["level"]?.stringValue ?? "intermediate"
        guard Self.levels.contains(level) else {
            throw JSONRPCError.invalidParams("Invalid params: argument 'level' must be beginner, intermediate or expert")
        }
        let text =
            "Explain \(topic) to \(level == "beginner" ? "a" : "an") \(level) audience. "
            + "Start with a one-sentence summary, then give a short example."
        return [
            "description": .string("Explain \(topic) (\(level))"),
            "messages": [["role": "user", "content": ["type": "text", "text": .string(text)]]],
        ]
    }

    func completions(for argument: String) throws(JSONRPCError) -> [String] {
        switch argument {
        case "topic": Self.topics
        case "level": Self.levels
        default: throw JSONRPCError.invalidParams("Unknown argument: \(argument)")
        }
    }
}
