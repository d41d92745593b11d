import Logging
import Metrics
import SwitchboardCore
import SwitchboardPolicy

/// Policy, then quotas, for one `tools/call`: the ticket to release when the call ends, or
/// the error to answer with. Decided in memory, on the calling event loop.
struct CallAdmission: Sendable {
    let governance: Governance
    /// Tools' hints as last listed (policy rules on annotations read them).
    let annotations: ToolAnnotationIndex
    let logger: Logger

    /// What let a call through: its quota ticket (nil without quotas) and the policy decision.
    struct Admitted {
        let ticket: QuotaTicket?
        let decision: AuditDecision
    }

    /// `context` is the request's log metadata (`MCPExchange.logMetadata`), asked for only
    /// when a line is written.
    /// `approved`: a human approved this very call (`ApprovalDesk`), so `require_approval`
    /// lets it through to the quotas.
    func admit(
        tool name: String, server: String, arguments: JSONView?, caller: Principal, virtualServer: String?, approved: Bool = false,
        context: @escaping () -> Logger.Metadata = { [:] }
    ) -> Result<Admitted, GatewayError> {
        let rules = governance.current
        guard rules.virtualServers.includesTool(name, in: virtualServer) else { return .failure(.unknownTool(name)) }
        let facts = CallFacts(
            principal: caller, virtualServer: virtualServer,
            tool: ToolFacts(
                federatedName: name, server: server,
                // Only rules read hints (quota filters do not); without such rules, skip the lookup.
                annotations: rules.policy.readsAnnotations ? annotations.annotations(of: name) : ToolAnnotations()
            ),
            arguments: arguments
        )
        let decision = rules.policy.decide(facts)
        switch decision.effect {
        case .allow:
            GovernanceMetrics.allowed.increment()
        case .deny:
            GovernanceMetrics.denied.increment()
            logger.debug("call denied by policy", metadata: Self.metadata(decision, facts).merging(context()) { mine, _ in mine })
            // A tool hidden from this caller's lists is unknown to it when called too: "denied"
            // would tell it the tool exists.
            if rules.policy.deniedCalls == .unknownTool
                || !rules.policy.isVisible(principal: facts.principal, virtualServer: virtualServer, tool: facts.tool)
            {
                return .failure(.unknownTool(name))
            }
            return .failure(.policyDenied(rule: decision.ruleID, policyVersion: decision.policyVersion))
        case .requireApproval where approved:
            GovernanceMetrics.approvalRequired.increment()
        case .requireApproval:
            GovernanceMetrics.approvalRequired.increment()
            logger.debug("call needs approval", metadata: Self.metadata(decision, facts).merging(context()) { mine, _ in mine })
            return .failure(.approvalRequired(rule: decision.ruleID, policyVersion: decision.policyVersion))
        }
        let allowed = AuditDecision(rule: decision.ruleID, policyVersion: decision.policyVersion)
        guard !rules.quotas.isEmpty else { return .success(Admitted(ticket: nil, decision: allowed)) }
        switch rules.quotas.admit(facts) {
        case .admitted(let ticket):
            return .success(Admitted(ticket: ticket, decision: allowed))
        case .refused(let refusal):
            GovernanceMetrics.quotaRefusals.increment(refusal.limitID)
            logger.debug("call refused by quota", metadata: context().merging([
                "switchboard.limit": "\(refusal.limitID)", "switchboard.quota_kind": "\(refusal.kind.rawValue)",
                "switchboard.principal": "\(facts.principal.id)", "switchboard.tool": "\(name)",
            ]) { _, mine in mine })
            return .failure(.quotaExceeded(limit: refusal.limitID, kind: refusal.kind.rawValue, retryAfter: refusal.retryAfter))
        }
    }

    private static func metadata(_ decision: PolicyDecision, _ facts: CallFacts) -> Logger.Metadata {
        [
            "switchboard.rule": "\(decision.ruleID ?? "default")", "switchboard.policy_version": "\(decision.policyVersion)",
            "switchboard.principal": "\(facts.principal.id)", "switchboard.tool": "\(facts.tool.federatedName)",
        ]
    }
}
