import Metrics
import SwitchboardCore

/// Decision and refusal counters, made once. Limit ids and refusal reasons are fixed sets
/// (the config's, the code's), so the labels stay bounded.
enum GovernanceMetrics {
    static let allowed = Counter(label: "switchboard_policy_decisions_total", dimensions: [("effect", "allow")])
    static let denied = Counter(label: "switchboard_policy_decisions_total", dimensions: [("effect", "deny")])
    static let approvalRequired = Counter(label: "switchboard_policy_decisions_total", dimensions: [("effect", "require_approval")])
    static let quotaRefusals = LabeledCounter("switchboard_quota_refusals_total", label: "limit")
    static let authRefusals = LabeledCounter("switchboard_auth_refusals_total", label: "reason")
}
