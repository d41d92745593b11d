import SwitchboardCore
import SwitchboardPolicy
package import SwitchboardDataPlane

extension PolicyDryRun {
    /// The dry run as a JSON object (Foundation types), for `policy test --json` and the admin
    /// API. Argument values never appear: rule traces say only whether a pointer found a value.
    package var jsonObject: [String: Any] {
        let decision = trace.decision
        return [
            "effect": decision.effect.rawValue,
            "outcome": outcome,
            "rule": decision.ruleID as Any,
            "policyVersion": decision.policyVersion,
            "explanation": decision.explanation,
            "principal": principal.id,
            "roles": principal.roles.sorted(),
            "tenant": principal.tenant as Any,
            "virtualServer": virtualServer as Any,
            "tool": tool,
            "listed": listed,
            "inVirtualServer": inVirtualServer,
            "visible": visible,
            "quotaLimits": quotaLimits,
            "rules": trace.rules.map { rule in
                [
                    "id": rule.ruleID, "effect": rule.effect.rawValue, "matched": rule.matched, "decided": rule.decided,
                    "checks": rule.checks.map { ["matcher": $0.matcher, "expected": $0.expected, "actual": $0.actual, "held": $0.held] },
                ] as [String: Any]
            },
        ]
    }
}
