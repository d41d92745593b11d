import Foundation

/// A JSON value from a token's header or payload. Claims are read by name or by dotted path
/// from the configuration, so no fixed Codable payload type fits them.
enum ClaimValue: Decodable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([ClaimValue])
    case object([String: ClaimValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ClaimValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ClaimValue].self))
        }
    }

    /// A JSON object from bytes; nil for anything else.
    static func object(decoding bytes: [UInt8]) -> [String: ClaimValue]? {
        guard case .object(let object)? = try? JSONDecoder().decode(ClaimValue.self, from: Data(bytes)) else { return nil }
        return object
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// An array of strings, or one string split on spaces (how `scope` and some IdPs' roles come).
    /// Nil when the value is neither.
    var stringList: [String]? {
        switch self {
        case .string(let text): return text.split(separator: " ").map(String.init)
        case .array(let elements):
            var strings: [String] = []
            for element in elements {
                guard let string = element.string else { return nil }
                strings.append(string)
            }
            return strings
        default: return nil
        }
    }
}

extension [String: ClaimValue] {
    /// The claim `name`, or when there is none by that exact name, the value at `name` as a
    /// dotted path (`realm_access.roles`). Exact names come first because namespaced claims such
    /// as `https://example.com/roles` contain dots themselves.
    func claim(_ name: String) -> ClaimValue? {
        if let value = self[name] { return value }
        let components = name.split(separator: ".", omittingEmptySubsequences: false)
        guard components.count > 1 else { return nil }
        var current: ClaimValue = .object(self)
        for component in components {
            guard case .object(let object) = current, let next = object[String(component)] else { return nil }
            current = next
        }
        return current
    }
}
