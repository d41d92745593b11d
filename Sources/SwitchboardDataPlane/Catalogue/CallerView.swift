package import NIOCore
package import SwitchboardCore
package import SwitchboardPolicy

/// What one caller sees of the merged catalogue through one endpoint: tools policy hides and
/// everything outside the virtual server are taken out. With no rules and no virtual servers
/// every caller sees the shared page itself, at no cost.
enum CallerView {
    /// The merged `page` as `principal` may see it through `virtualServer`.
    static func page(_ page: ByteBuffer, kind: ListKind, principal: Principal, virtualServer: String?, rules: Governance.Rules) -> ByteBuffer {
        guard rules.listsDependOnCaller else { return page }
        let filtered = ListFilter.filter(page: page, kind: kind) { item in
            switch kind {
            case .tools:
                return showsTool(item, to: principal, through: virtualServer, rules: rules)
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

    /// Whether a tool of the merged list (its item, with its hints) is shown to `principal`.
    static func showsTool(_ item: JSONView, to principal: Principal, through virtualServer: String?, rules: Governance.Rules) -> Bool {
        guard let name = item["name"]?.string, let (server, _) = FederatedName.split(name),
            rules.virtualServers.includesTool(name, in: virtualServer)
        else { return false }
        let tool = ToolFacts(federatedName: name, server: server, annotations: ToolAnnotations(parsing: item["annotations"]))
        return rules.policy.isVisible(principal: principal, virtualServer: virtualServer, tool: tool)
    }
}

extension Catalogue {
    /// Every tool of the merged catalogue that `principal` sees through `virtualServer`, with
    /// the pages fetched as for a client (`switchboard tools list --as`).
    package func visibleTools(principal: Principal, virtualServer: String?, rules: Governance.Rules, on loop: any EventLoop) -> EventLoopFuture<[JSONView]> {
        fullList(.tools, on: loop).map { tools in
            tools.filter { CallerView.showsTool($0, to: principal, through: virtualServer, rules: rules) }
        }
    }
}
