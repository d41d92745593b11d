/// A tool's arguments, read with type checks that turn mistakes into `ToolInputError`s.
struct ToolArguments: Sendable {
    private let values: [String: JSONValue]

    /// Rejects arguments that the tool's input schema does not declare.
    init(_ values: [String: JSONValue], schema: JSONValue) throws(ToolInputError) {
        let declared = schema["properties"]?.objectValue ?? [:]
        if let unknown = values.keys.sorted().first(where: { declared[$0] == nil }) {
            throw ToolInputError("unknown argument '\(unknown)'")
        }
        self.values = values
    }

    func string(_ name: String) throws(ToolInputError) -> String {
        guard let value = try optionalString(name) else { throw ToolInputError("'\(name)' is required") }
        return value
    }

    func optionalString(_ name: String) throws(ToolInputError) -> String? {
        guard let value = values[name], value != .null else { return nil }
        guard let string = value.stringValue else {
            throw ToolInputError("'\(name)' must be a string, not \(value.typeName)")
        }
        return string
    }

    /// A required number, kept as JSON so integers stay exact.
    func number(_ name: String) throws(ToolInputError) -> JSONValue {
        guard let value = values[name], value != .null else { throw ToolInputError("'\(name)' is required") }
        guard value.numberValue != nil else {
            throw ToolInputError("'\(name)' must be a number, not \(value.typeName)")
        }
        return value
    }

    func integer(_ name: String, in range: ClosedRange<Int64>) throws(ToolInputError) -> Int64 {
        let value = try number(name)
        guard let integer = value.integerValue else { throw ToolInputError("'\(name)' must be an integer") }
        guard range.contains(integer) else {
            throw ToolInputError("'\(name)' must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return integer
    }
}

/// Arguments that do not fit a tool's input schema. Reported as an `isError` result (SEP-1303).
struct ToolInputError: Error, Sendable {
    var message: String

    init(_ message: String) {
        self.message = "Invalid arguments: \(message)"
    }
}
