import Logging
import Metrics
import NIOCore
import SwitchboardCore
import SwitchboardPolicy

extension Gateway {
    /// A merged page as `principal` may see it through `virtualServer`: tools policy hides and
    /// everything outside the virtual server taken out. With no rules and no virtual servers
    /// every caller sees the shared page itself, at no cost.
    func pageForCaller(_ page: ByteBuffer, kind: ListKind, caller principal: Principal, virtualServer: String?, rules: Governance.Rules) -> ByteBuffer {
        guard rules.listsDependOnCaller else { return page }
        let filtered = ListFilter.filter(page: page, kind: kind) { item in
            switch kind {
            case .tools:
                guard let name = item["name"]?.string, let (server, _) = FederatedName.split(name) else { return false }
                guard rules.virtualServers.includesTool(name, in: virtualServer) else { return false }
                let tool = ToolFacts(federatedName: name, server: server, annotations: ToolAnnotations(parsing: item["annotations"]))
                return rules.policy.isVisible(principal: principal, virtualServer: virtualServer, tool: tool)
            case .prompts:
                guard let name = item["name"]?.string else { return false }
                return rules.virtualServers.includesPrompt(name, in: virtualServer)
            case .resources:
                guard let uri = item["uri"]?.string else { return false }
                return rules.virtualServers.includesResource(uri: uri, in: virtualServer)
            case .resourceTemplates:
                guard let template = item["uriTemplate"]?.string else { return false }
                return rules.virtualServers.includesResource(uri: template, in: virtualServer)
            }
        }
        return filtered ?? page
    }

    /// Policy, then quotas, for one `tools/call`: the ticket to release when the call ends, or
    /// the error to answer with. Decided in memory, on the calling event loop.
    func admitToolCall(_ message: JSONRPCMessage, name: String, server: String, session: DownstreamSession, caller: Principal) -> Result<QuotaTicket?, GatewayError> {
        let rules = governance.current
        let virtualServer = session.virtualServer
        guard rules.virtualServers.includesTool(name, in: virtualServer) else { return .failure(.unknownTool(name)) }
        let facts = CallFacts(
            principal: caller, virtualServer: virtualServer,
            tool: ToolFacts(
                federatedName: name, server: server,
                // Only rules read hints (quota filters do not); without such rules, skip the lookup.
                annotations: rules.policy.readsAnnotations ? governance.annotations.annotations(of: name) : ToolAnnotations()
            ),
            arguments: message.params?["arguments"]
        )
        let decision = rules.policy.decide(facts)
        switch decision.effect {
        case .allow:
            GovernanceMetrics.allowed.increment()
        case .deny:
            GovernanceMetrics.denied.increment()
            logger.debug("call denied by policy", metadata: Self.decisionMetadata(decision, facts))
            // A tool hidden from this caller's lists is unknown to it when called too: "denied"
            // would tell it the tool exists.
            if rules.policy.deniedCalls == .unknownTool
                || !rules.policy.isVisible(principal: facts.principal, virtualServer: virtualServer, tool: facts.tool)
            {
                return .failure(.unknownTool(name))
            }
            return .failure(.policyDenied(rule: decision.ruleID, policyVersion: decision.policyVersion))
        case .requireApproval:
            GovernanceMetrics.approvalRequired.increment()
            logger.debug("call needs approval", metadata: Self.decisionMetadata(decision, facts))
            return .failure(.approvalRequired(rule: decision.ruleID, policyVersion: decision.policyVersion))
        }
        guard !rules.quotas.isEmpty else { return .success(nil) }
        switch rules.quotas.admit(facts) {
        case .admitted(let ticket):
            return .success(ticket)
        case .refused(let refusal):
            GovernanceMetrics.quotaRefusals.increment(refusal.limitID)
            logger.debug("call refused by quota", metadata: [
                "switchboard.limit": "\(refusal.limitID)", "switchboard.quota_kind": "\(refusal.kind.rawValue)",
                "switchboard.principal": "\(facts.principal.id)", "switchboard.tool": "\(name)",
            ])
            return .failure(.quotaExceeded(limit: refusal.limitID, kind: refusal.kind.rawValue, retryAfter: refusal.retryAfter))
        }
    }

    private static func decisionMetadata(_ decision: PolicyDecision, _ facts: CallFacts) -> Logger.Metadata {
        [
            "switchboard.rule": "\(decision.ruleID ?? "default")", "switchboard.policy_version": "\(decision.policyVersion)",
            "switchboard.principal": "\(facts.principal.id)", "switchboard.tool": "\(facts.tool.federatedName)",
        ]
    }
}

/// Decision and refusal counters, made once. Limit ids and refusal reasons are fixed sets
/// (the config's, the code's), so the labels stay bounded.
enum GovernanceMetrics {
    static let allowed = Counter(label: "switchboard_policy_decisions_total", dimensions: [("effect", "allow")])
    static let denied = Counter(label: "switchboard_policy_decisions_total", dimensions: [("effect", "deny")])
    static let approvalRequired = Counter(label: "switchboard_policy_decisions_total", dimensions: [("effect", "require_approval")])
    static let quotaRefusals = LabeledCounter("switchboard_quota_refusals_total", label: "limit")
    static let authRefusals = LabeledCounter("switchboard_auth_refusals_total", label: "reason")
}
