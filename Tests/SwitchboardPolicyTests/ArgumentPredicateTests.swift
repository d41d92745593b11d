import SwitchboardCore
import Testing

@testable import SwitchboardPolicy

/// Every test kind against matching values, non-matching values, absent pointers and values of
/// the wrong type (which never match).
@Suite struct ArgumentPredicateTests {
    typealias Test = ArgumentPredicateConfig.Test

    struct Case: Sendable, CustomTestStringConvertible {
        let pointer: String
        let test: ArgumentPredicateConfig.Test
        let arguments: String
        let holds: Bool
        var testDescription: String { "\(pointer) \(test) in \(arguments) → \(holds)" }
    }

    static let cases: [Case] = [
        // regex: a search, anchored by the pattern itself; strings only.
        Case(pointer: "/path", test: .regex("^/etc/"), arguments: #"{"path":"/etc/passwd"}"#, holds: true),
        Case(pointer: "/path", test: .regex("^/etc/"), arguments: #"{"path":"/home/etc/"}"#, holds: false),
        Case(pointer: "/path", test: .regex("etc"), arguments: #"{"path":"/home/etc/"}"#, holds: true),
        Case(pointer: "/path", test: .regex("^\\d+$"), arguments: #"{"path":123}"#, holds: false),
        Case(pointer: "/path", test: .regex(".*"), arguments: #"{"other":"x"}"#, holds: false),
        Case(pointer: "/path", test: .regex("(?i)^DROP"), arguments: #"{"path":"drop table"}"#, holds: true),
        Case(pointer: "/path", test: .regex("^/tmp/\\w+$"), arguments: #"{"path":"\/tmp\/abc"}"#, holds: true),
        // min/max: inclusive, numbers only.
        Case(pointer: "/limit", test: .range(min: 1, max: 100), arguments: #"{"limit":1}"#, holds: true),
        Case(pointer: "/limit", test: .range(min: 1, max: 100), arguments: #"{"limit":100}"#, holds: true),
        Case(pointer: "/limit", test: .range(min: 1, max: 100), arguments: #"{"limit":50.5}"#, holds: true),
        Case(pointer: "/limit", test: .range(min: 1, max: 100), arguments: #"{"limit":1e2}"#, holds: true),
        Case(pointer: "/limit", test: .range(min: 1, max: 100), arguments: #"{"limit":0}"#, holds: false),
        Case(pointer: "/limit", test: .range(min: 1, max: 100), arguments: #"{"limit":100.01}"#, holds: false),
        Case(pointer: "/limit", test: .range(min: 1, max: 100), arguments: #"{"limit":"50"}"#, holds: false),
        Case(pointer: "/limit", test: .range(min: 1, max: 100), arguments: #"{"limit":[50]}"#, holds: false),
        Case(pointer: "/limit", test: .range(min: 1, max: 100), arguments: #"{}"#, holds: false),
        Case(pointer: "/limit", test: .range(min: nil, max: 10), arguments: #"{"limit":-1000}"#, holds: true),
        Case(pointer: "/limit", test: .range(min: -5, max: nil), arguments: #"{"limit":-6}"#, holds: false),
        // one_of: JSON scalars compared by value.
        Case(pointer: "/mode", test: .oneOf([.string("fast"), .string("safe")]), arguments: #"{"mode":"safe"}"#, holds: true),
        Case(pointer: "/mode", test: .oneOf([.string("fast"), .string("safe")]), arguments: #"{"mode":"slow"}"#, holds: false),
        Case(pointer: "/mode", test: .oneOf([.string("fast"), .string("safe")]), arguments: #"{"mode":"f\u0061st"}"#, holds: true),
        Case(pointer: "/mode", test: .oneOf([.number(1), .number(2.5)]), arguments: #"{"mode":1.0}"#, holds: true),
        Case(pointer: "/mode", test: .oneOf([.number(1), .number(2.5)]), arguments: #"{"mode":"1"}"#, holds: false),
        Case(pointer: "/mode", test: .oneOf([.null, .bool(false)]), arguments: #"{"mode":null}"#, holds: true),
        Case(pointer: "/mode", test: .oneOf([.null, .bool(false)]), arguments: #"{"mode":false}"#, holds: true),
        Case(pointer: "/mode", test: .oneOf([.null, .bool(false)]), arguments: #"{"mode":0}"#, holds: false),
        Case(pointer: "/mode", test: .oneOf([.string("fast")]), arguments: #"{"mode":["fast"]}"#, holds: false),
        // equals.
        Case(pointer: "/force", test: .equals(.bool(true)), arguments: #"{"force":true}"#, holds: true),
        Case(pointer: "/force", test: .equals(.bool(true)), arguments: #"{"force":"true"}"#, holds: false),
        Case(pointer: "/force", test: .equals(.string("true")), arguments: #"{"force":true}"#, holds: false),
        Case(pointer: "/force", test: .equals(.number(5)), arguments: #"{"force":5e0}"#, holds: true),
        Case(pointer: "/force", test: .equals(.number(5)), arguments: #"{"force":-5}"#, holds: false),
        Case(pointer: "/force", test: .equals(.null), arguments: #"{"force":null}"#, holds: true),
        Case(pointer: "/force", test: .equals(.null), arguments: #"{}"#, holds: false),
        Case(pointer: "/who", test: .equals(.string("a\"b")), arguments: #"{"who":"a\"b"}"#, holds: true),
        // max_length: code points of a string, elements of an array.
        Case(pointer: "/query", test: .maxLength(3), arguments: #"{"query":"abc"}"#, holds: true),
        Case(pointer: "/query", test: .maxLength(3), arguments: #"{"query":"abcd"}"#, holds: false),
        Case(pointer: "/query", test: .maxLength(3), arguments: #"{"query":"\u00e9t\u00e9"}"#, holds: true),
        Case(pointer: "/query", test: .maxLength(3), arguments: #"{"query":[1,2,3]}"#, holds: true),
        Case(pointer: "/query", test: .maxLength(3), arguments: #"{"query":[1,2,3,4]}"#, holds: false),
        Case(pointer: "/query", test: .maxLength(3), arguments: #"{"query":{"a":1}}"#, holds: false),
        Case(pointer: "/query", test: .maxLength(3), arguments: #"{"query":12}"#, holds: false),
        Case(pointer: "/query", test: .maxLength(0), arguments: #"{"query":""}"#, holds: true),
        // pointers: nesting and escaping.
        Case(pointer: "/a~1b/0", test: .equals(.number(1)), arguments: #"{"a/b":[1]}"#, holds: true),
        Case(pointer: "/m~0n", test: .equals(.number(2)), arguments: #"{"m~n":2}"#, holds: true),
        Case(pointer: "/m~0n", test: .equals(.number(2)), arguments: #"{"m/n":2}"#, holds: false),
        Case(pointer: "/files/1/path", test: .regex("^/etc"), arguments: #"{"files":[{"path":"/a"},{"path":"/etc"}]}"#, holds: true),
        Case(pointer: "/files/2/path", test: .regex(".*"), arguments: #"{"files":[{"path":"/a"},{"path":"/etc"}]}"#, holds: false),
    ]

    @Test(arguments: cases)
    func evaluates(_ testCase: Case) throws {
        let predicate = try ArgumentPredicate(ArgumentPredicateConfig(pointer: testCase.pointer, test: testCase.test))
        #expect(predicate.holds(in: try Fixture.json(testCase.arguments)) == testCase.holds)
    }

    @Test func callsWithoutArgumentsMatchNoPredicate() throws {
        let predicate = try ArgumentPredicate(ArgumentPredicateConfig(pointer: "/x", test: .equals(.null)))
        #expect(!predicate.holds(in: nil))
        #expect(!predicate.holds(in: try Fixture.json("[]")))
        #expect(!predicate.holds(in: try Fixture.json(#""x""#)))
    }

    @Test func allPredicatesOfARuleMustHold() throws {
        let policy = try CompiledPolicy(
            PolicyConfig(rules: [
                .init(
                    id: "both", effect: .deny,
                    arguments: [.init(pointer: "/a", test: .equals(.number(1))), .init(pointer: "/b", test: .equals(.number(2)))]
                )
            ])
        )
        #expect(policy.decide(try Fixture.call(Fixture.agent, "x__y", arguments: #"{"a":1,"b":2}"#)).effect == .deny)
        #expect(policy.decide(try Fixture.call(Fixture.agent, "x__y", arguments: #"{"a":1,"b":3}"#)).effect == .allow)
        #expect(policy.decide(try Fixture.call(Fixture.agent, "x__y", arguments: #"{"a":1}"#)).effect == .allow)
    }
}
