import Foundation
import Testing

@testable import SwitchboardGuards

/// The built-in rule set loads and every rule in it can fire; an operator's file replaces,
/// adds and switches off rules, and a bad one is refused naming the rule and what is wrong.
@Suite struct GuardRuleSetTests {
    @Test func theBuiltInSetLoads() {
        let rules = GuardRuleSet.builtin
        #expect(!rules.version.isEmpty)
        #expect(rules.rules.count > 40)
        #expect(Set(rules.rules.map(\.id)).count == rules.rules.count)
        for family in [GuardFamily.override, .concealment, .sensitiveFiles, .harvesting, .exfiltration, .coercive, .crossServer] {
            #expect(rules.rules.contains { $0.family == family }, "a text rule of \(family)")
        }
    }

    @Test func anOperatorFileSwitchesOffReplacesAndAdds() throws {
        let file = """
            {"version": "acme-3", "rules": [
              {"id": "O-pseudo-tags", "enabled": false},
              {"id": "C-secretly", "family": "concealment", "severity": "warn", "all": [{"words": ["secretly"]}]},
              {"id": "ACME-internal-host", "family": "exfiltration", "severity": "high", "all": [{"text": ["evil.acme.test"]}]}
            ], "lexicon": {"vendors": ["acme"]}}
            """
        let rules = try GuardRuleSet.builtin.overridden(by: Data(file.utf8))
        #expect(rules.version == GuardRuleSet.builtin.version + "+acme-3")
        #expect(!rules.rules.contains { $0.id == "O-pseudo-tags" })
        #expect(rules.rules.first { $0.id == "C-secretly" }?.severity == .warn)
        #expect(rules.rules.contains { $0.id == "ACME-internal-host" })
        #expect(rules.lexicon.vendors == ["acme"])
        #expect(rules.lexicon.steering == GuardRuleSet.builtin.lexicon.steering)
    }

    @Test(arguments: [
        (#"{"rules": [{"id": "nope", "enabled": false}]}"#, "rule nope: there is no such rule to switch off"),
        (#"{"rules": [{"id": "X1", "severity": "high", "all": [{"words": ["a"]}]}]}"#, "rule X1 has no family"),
        (#"{"rules": [{"id": "X1", "family": "override", "all": [{"words": ["a"]}]}]}"#, "rule X1 has no severity (warn or high)"),
        (#"{"rules": [{"id": "X1", "family": "override", "severity": "high"}]}"#, "rule X1 has no matchers in all"),
        (#"{"rules": [{"id": "X1", "family": "override", "severity": "high", "all": [{"words": ["a"], "text": ["b"]}]}]}"#,
         "rule X1: each matcher has exactly one of words, phrase, text, seq"),
        (#"{"rules": [{"id": "X1", "family": "override", "severity": "high", "all": [{"words": ["Upper"]}]}]}"#, "rule X1: terms are lowercase (Upper)"),
        (#"{"rules": [{"id": "X1", "family": "override", "severity": "high", "fields": ["body"], "all": [{"words": ["a"]}]}]}"#,
         "rule X1: unknown field kind body"),
        (#"{"rules": [{"id": "X1", "family": "override", "severity": "high", "scope": "page", "all": [{"words": ["a"]}]}]}"#,
         "rule X1: scope is sentence or field, not page"),
        (#"{"rules": [{"id": "X1", "family": "trickery", "severity": "high", "all": [{"words": ["a"]}]}]}"#, "rules[0].family"),
        (#"{"rules": [ "#, "not JSON"),
    ])
    func aBadFileIsRefusedNamingWhatIsWrong(file: String, expected: String) {
        #expect {
            _ = try GuardRuleSet.builtin.overridden(by: Data(file.utf8))
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
