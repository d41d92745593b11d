package import NIOCore
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

extension Gateway {
    /// Decides a call of `tool` with `arguments` (a JSON object, or nil) by `principal` through
    /// `virtualServer`, with the hints the tool was last listed with.
    package func dryRun(principal: Principal, virtualServer: String?, tool: String, arguments: ByteBuffer?) throws -> PolicyDryRun {
        let rules = governance.current
        let argumentsView = try arguments.map { try JSONView.parse($0, maxDepth: config.limits.maxJSONDepth) }
        let server = FederatedName.split(tool)?.server ?? ""
        let listed = governance.annotations.isListed(tool)
        let facts = CallFacts(
            principal: principal, virtualServer: virtualServer,
            tool: ToolFacts(federatedName: tool, server: server, annotations: governance.annotations.annotations(of: tool)),
            arguments: argumentsView
        )
        return PolicyDryRun(
            principal: principal, virtualServer: virtualServer, tool: tool, listed: listed,
            inVirtualServer: rules.virtualServers.includesTool(tool, in: virtualServer),
            annotations: facts.tool.annotations,
            visible: rules.virtualServers.includesTool(tool, in: virtualServer)
                && rules.policy.isVisible(principal: principal, virtualServer: virtualServer, tool: facts.tool),
            trace: rules.policy.explain(facts),
            quotaLimits: rules.quotas.limitIDs(applyingTo: facts),
            deniedCalls: rules.policy.deniedCalls
        )
    }

    /// Every tool of the merged catalogue that `principal` sees through `virtualServer`, with
    /// the pages fetched as for a client (`switchboard tools list --as`).
    package func visibleTools(principal: Principal, virtualServer: String?, on loop: any EventLoop) -> EventLoopFuture<[JSONView]> {
        fullList(.tools, on: loop).map { tools in
            let rules = self.governance.current
            return tools.filter { item in
                guard let name = item["name"]?.string, let (server, _) = FederatedName.split(name),
                    rules.virtualServers.includesTool(name, in: virtualServer)
                else { return false }
                let tool = ToolFacts(federatedName: name, server: server, annotations: ToolAnnotations(parsing: item["annotations"]))
                return rules.policy.isVisible(principal: principal, virtualServer: virtualServer, tool: tool)
            }
        }
    }
}
