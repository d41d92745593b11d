import Foundation

extension DemoTool {
    /// Every tool, in the order `tools/list` returns them.
    static let catalogue: [DemoTool] = [.echo, .add, .now, .countdown, .wordCount]

    static let echo = DemoTool(
        name: "echo",
        title: "Echo",
        description: "Returns the given text unchanged.",
        inputSchema: objectSchema(["text": ["type": "string", "description": "The text to return."]], required: ["text"]),
        run: { arguments, _ in .text(try arguments.string("text")) }
    )

    static let add = DemoTool(
        name: "add",
        title: "Add two numbers",
        description: "Adds two numbers and returns their sum.",
        inputSchema: objectSchema(
            ["a": ["type": "number", "description": "The first addend."], "b": ["type": "number", "description": "The second addend."]],
            required: ["a", "b"]
        ),
        outputSchema: objectSchema(["sum": ["type": "number", "description": "a + b"]], required: ["sum"]),
        run: { arguments, _ in
            let a = try arguments.number("a")
            let b = try arguments.number("b")
            if case .integer(let x) = a, case .integer(let y) = b {
                let (sum, overflow) = x.addingReportingOverflow(y)
                if !overflow { return .structured(["sum": .integer(sum)]) }
            }
            let sum = (a.numberValue ?? 0) + (b.numberValue ?? 0)
            guard sum.isFinite else { return .failure("The sum is too large to represent.") }
            return .structured(["sum": .double(sum)])
        }
    )

    static let now = DemoTool(
        name: "now",
        title: "Current time",
        description: "Returns the current time as ISO 8601 in the given time zone (default UTC).",
        inputSchema: objectSchema(
            ["timezone": ["type": "string", "description": "An IANA time zone identifier such as Europe/Paris."]],
            required: []
        ),
        outputSchema: objectSchema(
            ["time": ["type": "string", "description": "ISO 8601 date and time."], "timezone": ["type": "string"]],
            required: ["time", "timezone"]
        ),
        hints: Hints(readOnly: true, idempotent: false, openWorld: false),
        run: { arguments, context in
            let identifier = try arguments.optionalString("timezone") ?? "UTC"
            guard let zone = TimeZone(identifier: identifier) else {
                return .failure("Unknown time zone '\(identifier)'. Use an IANA identifier such as Europe/Paris.")
            }
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = zone
            formatter.formatOptions = [.withInternetDateTime]
            let time = formatter.string(from: context.environment.now())
            return .structured(["time": .string(time), "timezone": .string(zone.identifier)])
        }
    )

    static let wordCount = DemoTool(
        name: "word_count",
        title: "Count words",
        description: "Counts the words, characters and lines of a text.",
        inputSchema: objectSchema(["text": ["type": "string", "description": "The text to count."]], required: ["text"]),
        outputSchema: objectSchema(
            ["words": ["type": "integer"], "characters": ["type": "integer"], "lines": ["type": "integer"]],
            required: ["words", "characters", "lines"]
        ),
        run: { arguments, _ in
            let text = try arguments.string("text")
            let words = text.split(whereSeparator: \.isWhitespace).count
            let lines = text.isEmpty ? 0 : text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count
            return .structured([
                "words": .integer(Int64(words)), "characters": .integer(Int64(text.count)), "lines": .integer(Int64(lines)),
            ])
        }
    )
}
