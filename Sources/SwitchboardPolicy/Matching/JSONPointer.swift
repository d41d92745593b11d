public import SwitchboardCore

/// An RFC 6901 JSON Pointer, parsed once at load: `/a/b/0`, with `~1` for `/` and `~0` for `~`
/// inside a key. The empty pointer (the whole document) is not accepted: predicates look at
/// members of `params.arguments`, never at the object as a whole.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// One reference token: an object key, and the array index it spells, if any.
    struct Token: Sendable, Hashable {
        let key: String
        /// Set when the token is `0` or a decimal without a leading zero, as RFC 6901 requires
        /// for array indices.
        let index: Int?
    }

    public let text: String
    let tokens: [Token]

    public init(parsing text: String) throws(PolicyError) {
        guard text.first == "/" else {
            throw PolicyError("a JSON Pointer starts with \"/\" (e.g. /path or /items/0)")
        }
        var tokens: [Token] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            tokens.append(Token(key: try Self.unescape(raw), index: Self.arrayIndex(raw)))
        }
        self.text = text
        self.tokens = tokens
    }

    public var description: String { text }

    private static func unescape(_ raw: Substring) throws(PolicyError) -> String {
        guard raw.contains("~") else { return String(raw) }
        var key = ""
        var iterator = raw.makeIterator()
        while let character = iterator.next() {
            guard character == "~" else {
                key.append(character)
                continue
            }
            switch iterator.next() {
            case "0": key.append("~")
            case "1": key.append("/")
            default: throw PolicyError("in a JSON Pointer \"~\" is written ~0 and \"/\" inside a key ~1")
            }
        }
        return key
    }

    private static func arrayIndex(_ raw: Substring) -> Int? {
        guard !raw.isEmpty, raw.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        if raw.count > 1, raw.first == "0" { return nil }
        return Int(raw)
    }

    /// The value the pointer designates inside `document`, or nil when there is none (a
    /// missing key, an index past the end, or a step into a string or number).
    public func resolve(in document: JSONView) -> JSONView? {
        var current = document
        for token in tokens {
            if current.isObject {
                guard let member = current[token.key] else { return nil }
                current = member
            } else if current.isArray {
                guard let index = token.index, let element = current.element(at: index) else { return nil }
                current = element
            } else {
                return nil
            }
        }
        return current
    }
}
