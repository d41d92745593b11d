public import SwitchboardCore

/// The outcome of `CompiledPolicy.decide`. Decisions are built when the policy is compiled and
/// returned as they are, so deciding allocates nothing.
public struct PolicyDecision: Sendable, Hashable {
    public var effect: PolicyEffect
    /// The rule that decided; nil when no rule matched and the default applied.
    public var ruleID: String?
    /// `policy.version`, or the derived `fnv:…` version; audit records carry it.
    public var policyVersion: String
    /// One line for people: `rule no-deletes (deny): role agent, tool crm__delete_*, /path matches ^/etc/`.
    public var explanation: String

    public init(effect: PolicyEffect, ruleID: String?, policyVersion: String, explanation: String) {
        self.effect = effect
        self.ruleID = ruleID
        self.policyVersion = policyVersion
        self.explanation = explanation
    }

    public var isAllowed: Bool { effect == .allow }
}
