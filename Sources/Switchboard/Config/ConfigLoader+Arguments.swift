import SwitchboardCore
import SwitchboardPolicy
import Yams

/// A policy rule's `arguments`: one pointer and one test per predicate (`min` and `max` may go
/// together), pointers and regexes checked by the engine's own parsers.
extension ConfigLoader {
    static func decodeArgumentPredicate(_ node: ConfigNode) throws(ConfigError) -> ArgumentPredicateConfig {
        let predicate = try ConfigMapping(node)
        try predicate.rejectUnknownKeys(allowed: argumentPredicateKeys)
        guard let pointerNode = predicate["pointer"] else {
            throw node.error("missing required key \"pointer\", a JSON Pointer such as /path", code: .missingKey, atKey: true)
        }
        let pointer = try pointerNode.parsed { text throws(ValueProblem) in
            do throws(PolicyError) {
                return try JSONPointer(parsing: text).text
            } catch {
                throw ValueProblem(error.message)
            }
        }

        let tests = predicate.entries.filter { $0.key != "pointer" }
        guard let first = tests.first else {
            throw node.error(
                "missing a test: set one of regex, min and/or max, equals, one_of, max_length", code: .missingKey, atKey: true
            )
        }
        let range = ["min", "max"]
        if let second = tests.dropFirst().first(where: { !(range.contains($0.key) && range.contains(first.key)) }) {
            throw second.value.error(
                "a predicate has exactly one test, and \"\(first.key)\" is already set; add another predicate with the same pointer",
                atKey: true
            )
        }

        let test: ArgumentPredicateConfig.Test
        switch first.key {
        case "regex":
            let scalar = try first.value.scalar()
            do throws(PolicyError) {
                _ = try CompiledRegex(scalar.text)
            } catch {
                throw scalar.error(error.message.replacingNewlines(), quotesValue: false)
            }
            test = .regex(scalar.text)
        case "min", "max":
            let min = try predicate["min"]?.number()
            let max = try predicate["max"]?.number()
            if let min, let max, min > max, let maxNode = predicate["max"] {
                throw maxNode.error("must not be less than min")
            }
            test = .range(min: min, max: max)
        case "equals":
            test = .equals(try first.value.argumentValue())
        case "one_of":
            let elements = try first.value.sequence()
            guard !elements.isEmpty else { throw first.value.error("an empty one_of matches nothing; list at least one value") }
            var values: [ArgumentPredicateConfig.Value] = []
            for element in elements { values.append(try element.argumentValue()) }
            test = .oneOf(values)
        default:
            test = .maxLength(try first.value.nonNegativeInt())
        }
        return ArgumentPredicateConfig(pointer: pointer, test: test)
    }
}

extension ConfigNode {
    /// A JSON scalar for `equals` and `one_of`. YAML's quoting decides the type: a quoted value
    /// is a string (`"true"`, `"5"`); a plain one is null, a boolean or a number when it spells
    /// one in JSON, otherwise a string. Mappings and lists are rejected: predicates compare
    /// single values.
    func argumentValue() throws(ConfigError) -> ArgumentPredicateConfig.Value {
        if isNull { return .null }
        guard case .scalar(let raw) = node else {
            throw error("expected a single JSON value (string, number, true, false or null), got \(kindDescription)")
        }
        let text = try scalar().text
        guard raw.style == .plain || raw.style == .any else { return .string(text) }
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case "null", "Null", "NULL", "~": return .null
        default: break
        }
        if let number = JSONNumberSyntax.parse(text) { return .number(number) }
        return .string(text)
    }

    /// A finite number, written as in JSON (`5`, `-0.5`, `1e3`).
    func number() throws(ConfigError) -> Double {
        let scalar = try scalar()
        guard let value = JSONNumberSyntax.parse(scalar.text) else { throw scalar.error("expected a number") }
        return value
    }

    /// A whole number of 0 or more.
    func nonNegativeInt() throws(ConfigError) -> Int {
        let scalar = try scalar()
        guard let value = Int(scalar.text), scalar.text.first != "+", value >= 0 else {
            throw scalar.error("expected a whole number of 0 or more")
        }
        return value
    }
}

/// JSON's number grammar, so that `0x10`, `.5` and `1_000` stay strings in `equals`.
enum JSONNumberSyntax {
    static func parse(_ text: String) -> Double? {
        var bytes = Substring(text).utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let integer = bytes.prefix { isDigit($0) }
        guard !integer.isEmpty, integer.count == 1 || integer.first != UInt8(ascii: "0") else { return nil }
        bytes = bytes.dropFirst(integer.count)
        if bytes.first == UInt8(ascii: ".") {
            let fraction = bytes.dropFirst().prefix { isDigit($0) }
            guard !fraction.isEmpty else { return nil }
            bytes = bytes.dropFirst(1 + fraction.count)
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            let exponent = bytes.prefix { isDigit($0) }
            guard !exponent.isEmpty else { return nil }
            bytes = bytes.dropFirst(exponent.count)
        }
        guard bytes.isEmpty, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}

extension String {
    /// Regex parser messages may span lines; a config error is one line.
    fileprivate func replacingNewlines() -> String {
        split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.joined(separator: " ")
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> Substring {
        var text = self
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return text
    }
}
