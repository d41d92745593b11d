import NIOCore
package import SwitchboardCore
package import SwitchboardPolicy

/// What the gateway would do with one `tools/call`, worked out without calling anything:
/// `switchboard policy test` and the admin API print it.
package struct PolicyDryRun: Sendable {
    package var principal: Principal
    package var virtualServer: String?
    package var tool: String
    /// The tool was in the catalogue when asked (its hints come from there).
    package var listed: Bool
    /// The tool belongs to the virtual server (always, for `/mcp`).
    package var inVirtualServer: Bool
    package var annotations: ToolAnnotations
    /// Shown in this caller's lists.
    package var visible: Bool
    package var trace: PolicyTrace
    /// Limits that would count the call (none is consumed by a dry run).
    package var quotaLimits: [String]
    /// How the gateway answers a denied call (`policy.denied_calls`).
    package var deniedCalls: PolicyConfig.DeniedCalls

    /// The answer the caller would get, in one line.
    package var outcome: String {
        if !inVirtualServer { return "refused: unknown tool (not part of virtual server \(virtualServer ?? "/"))" }
        let decision = trace.decision
        let by = decision.ruleID.map { "rule \($0)" } ?? "the default"
        switch decision.effect {
        case .allow: return "allowed by \(by)" + (quotaLimits.isEmpty ? "" : "; counted by quota limits \(quotaLimits.joined(separator: ", "))")
        case .requireApproval: return "needs approval (\(by))"
        case .deny:
            if !visible { return "denied by \(by); hidden from this caller, so answered as an unknown tool" }
            return deniedCalls == .unknownTool ? "denied by \(by), answered as an unknown tool" : "denied by \(by)"
        }
    }
}

extension PolicyDryRun {
    /// Decides a call of `tool` with `arguments` (a JSON object, or nil) by `principal` through
    /// `virtualServer` under `rules`, with the hints the tool was last listed with.
    init(rules: Governance.Rules, annotations: ToolAnnotationIndex, principal: Principal, virtualServer: String?, tool: String, arguments: JSONView?) {
        let facts = CallFacts(
            principal: principal, virtualServer: virtualServer,
            tool: ToolFacts(federatedName: tool, server: FederatedName.split(tool)?.server ?? "", annotations: annotations.annotations(of: tool)),
            arguments: arguments
        )
        let inVirtualServer = rules.virtualServers.includesTool(tool, in: virtualServer)
        self.init(
            principal: principal, virtualServer: virtualServer, tool: tool, listed: annotations.isListed(tool),
            inVirtualServer: inVirtualServer, annotations: facts.tool.annotations,
            visible: inVirtualServer && rules.policy.isVisible(principal: principal, virtualServer: virtualServer, tool: facts.tool),
            trace: rules.policy.explain(facts), quotaLimits: rules.quotas.limitIDs(applyingTo: facts), deniedCalls: rules.policy.deniedCalls
        )
    }
}
