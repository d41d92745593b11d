public import SwitchboardCore

/// A decision with every rule's evaluation, for `switchboard policy test`: which matcher held
/// and which did not, so an operator sees why a rule did or did not apply.
public struct PolicyTrace: Sendable {
    public var decision: PolicyDecision
    /// Every rule in file order, including those after the deciding one.
    public var rules: [RuleTrace]

    public init(decision: PolicyDecision, rules: [RuleTrace]) {
        self.decision = decision
        self.rules = rules
    }
}

/// One rule's evaluation against a call.
public struct RuleTrace: Sendable, CustomStringConvertible {
    public var ruleID: String
    public var effect: PolicyEffect
    /// Every present matcher held.
    public var matched: Bool
    /// This rule made the decision (the first that matched).
    public var decided: Bool
    /// Each matcher the rule has, in the order `principals`, `roles`, `tenants`,
    /// `virtual_servers`, `servers`, `server_labels`, `tools`, `annotations.*`, then each argument predicate.
    public var checks: [MatcherCheck]

    public init(ruleID: String, effect: PolicyEffect, matched: Bool, decided: Bool, checks: [MatcherCheck]) {
        self.ruleID = ruleID
        self.effect = effect
        self.matched = matched
        self.decided = decided
        self.checks = checks
    }

    /// `rule no-deletes (deny): matched, decided; roles [agent]: yes (agent); tools …: no (crm__list)`.
    public var description: String {
        let state = decided ? "matched, decided" : matched ? "matched, not reached" : "no match"
        let detail = checks.map(\.description).joined(separator: "; ")
        return "rule \(ruleID) (\(effect)): \(state)" + (detail.isEmpty ? "; matches every call" : "; " + detail)
    }
}

/// One matcher of one rule against a call.
public struct MatcherCheck: Sendable, Hashable, CustomStringConvertible {
    /// `roles`, `tools`, `annotations.destructiveHint`, `arguments /path`, …
    public var matcher: String
    /// What the rule asks for, as written.
    public var expected: String
    /// What the call had. Argument predicates show only whether the value was present, never
    /// the value: arguments may carry secrets.
    public var actual: String
    public var held: Bool

    public init(matcher: String, expected: String, actual: String, held: Bool) {
        self.matcher = matcher
        self.expected = expected
        self.actual = actual
        self.held = held
    }

    public var description: String { "\(matcher) \(expected): \(held ? "yes" : "no") (\(actual))" }
}
