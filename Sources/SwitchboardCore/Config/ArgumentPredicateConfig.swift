/// One entry of a policy rule's `arguments`: a JSON Pointer (RFC 6901) into the call's
/// `params.arguments` and one test of the value found there. A pointer that finds nothing, or
/// a value of the wrong type for the test, makes the predicate false.
public struct ArgumentPredicateConfig: Sendable, Equatable {
    /// A JSON scalar as written in the config: a quoted YAML string is always a string; a plain
    /// one reads as `null`, `true`/`false` or a number when it spells one.
    public enum Value: Sendable, Equatable, CustomStringConvertible {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null

        public var description: String {
            switch self {
            case .string(let text): "\"" + text + "\""
            case .number(let number): Self.format(number)
            case .bool(let flag): flag ? "true" : "false"
            case .null: "null"
            }
        }

        /// Whole numbers without a fraction (`5`, not `5.0`), as operators write them.
        public static func format(_ number: Double) -> String {
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        }
    }

    public enum Test: Sendable, Equatable {
        /// `regex`: the string contains a match (anchor with `^…$` for a whole match).
        case regex(String)
        /// `min` and/or `max`, inclusive: the value is a number in range.
        case range(min: Double?, max: Double?)
        /// `equals`: the value is this JSON scalar (numbers compared numerically).
        case equals(Value)
        /// `one_of`: the value equals one of these.
        case oneOf([Value])
        /// `max_length`: a string of at most this many Unicode code points, or an array of at
        /// most this many elements.
        case maxLength(Int)
    }

    /// `pointer`, as written (`/path`, `/items/0`, `/a~1b` for key `a/b`).
    public var pointer: String
    public var test: Test

    public init(pointer: String, test: Test) {
        self.pointer = pointer
        self.test = test
    }
}
