import SwitchboardCore

/// A compiled `ArgumentPredicateConfig`: the pointer parsed and the regex compiled at load.
/// Any pointer that finds nothing, or a value of a type the test does not apply to, is false.
/// A class, like the rules that hold it: walking a rule's predicates then retains one object
/// each instead of copying every field.
final class ArgumentPredicate: Sendable {
    enum Test: Sendable {
        case regex(CompiledRegex)
        case range(min: Double?, max: Double?)
        case equals(ArgumentPredicateConfig.Value)
        case oneOf([ArgumentPredicateConfig.Value])
        case maxLength(Int)
    }

    let pointer: JSONPointer
    let test: Test
    /// As written, for explanations: `/path regex ^/etc/`.
    let summary: String

    init(_ config: ArgumentPredicateConfig) throws(PolicyError) {
        pointer = try JSONPointer(parsing: config.pointer)
        switch config.test {
        case .regex(let source):
            test = .regex(try Self.compile(regex: source))
            summary = "\(config.pointer) matches \(source)"
        case .range(let min, let max):
            test = .range(min: min, max: max)
            let bounds = [min.map { ">= " + ArgumentPredicateConfig.Value.format($0) }, max.map { "<= " + ArgumentPredicateConfig.Value.format($0) }]
            summary = config.pointer + " " + bounds.compactMap { $0 }.joined(separator: " and ")
        case .equals(let value):
            test = .equals(value)
            summary = "\(config.pointer) = \(value)"
        case .oneOf(let values):
            test = .oneOf(values)
            summary = "\(config.pointer) in [" + values.map(\.description).joined(separator: ", ") + "]"
        case .maxLength(let length):
            test = .maxLength(length)
            summary = "\(config.pointer) length <= \(length)"
        }
    }

    static func compile(regex source: String) throws(PolicyError) -> CompiledRegex {
        try CompiledRegex(source)
    }

    func holds(in arguments: JSONView?) -> Bool {
        guard let arguments, let value = pointer.resolve(in: arguments) else { return false }
        switch test {
        case .regex(let regex):
            guard let text = value.string else { return false }
            return regex.contains(in: text)
        case .range(let min, let max):
            guard value.isNumber, let number = value.double, number.isFinite else { return false }
            if let min, number < min { return false }
            if let max, number > max { return false }
            return true
        case .equals(let expected):
            return Self.value(value, equals: expected)
        case .oneOf(let candidates):
            return candidates.contains { Self.value(value, equals: $0) }
        case .maxLength(let length):
            if let text = value.string { return text.unicodeScalars.count <= length }
            if let count = value.elementCount { return count <= length }
            return false
        }
    }

    static func value(_ value: JSONView, equals expected: ArgumentPredicateConfig.Value) -> Bool {
        switch expected {
        case .string(let text): value.string == text
        case .number(let number): value.isNumber && value.double == number
        case .bool(let flag): value.bool == flag
        case .null: value.isNull
        }
    }
}
