/// A JSON-RPC request id: a string or an integer (MCP forbids `null`).
enum RequestID: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int64)

    init?(_ value: JSONValue) {
        switch value {
        case .string(let string): self = .string(string)
        case .integer(let integer): self = .integer(integer)
        default: return nil
        }
    }

    var json: JSONValue {
        switch self {
        case .string(let string): .string(string)
        case .integer(let integer): .integer(integer)
        }
    }

    var description: String {
        switch self {
        case .string(let string): string
        case .integer(let integer): String(integer)
        }
    }
}
