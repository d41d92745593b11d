package import NIOCore
package import SwitchboardCore
package import SwitchboardPolicy

/// What one caller sees of the merged catalogue through one endpoint: tools policy hides and
/// everything outside the virtual server are taken out. With no rules and no virtual servers
/// every caller sees the shared page itself, at no cost.
enum CallerView {
    /// The merged `page` as `principal` may see it through `virtualServer`. `names` reads a
    /// shown name back to its canonical one, which rules name.
    static func page(_ page: ByteBuffer, kind: ListKind, principal: Principal, virtualServer: String?, rules: Governance.Rules, names: NameBook) -> ByteBuffer {
        guard rules.listsDependOnCaller else { return page }
        let filtered = ListFilter.filter(page: page, kind: kind) { item in
            switch kind {
            case .tools:
                return showsTool(item, to: principal, through: virtualServer, rules: rules, names: names)
            case .prompts:
                guard let name = item["name"]?.string, let route = names.route(name) else { return false }
                return rules.virtualServers.includesPrompt(route.canonical, in: virtualServer)
            // A shared URI is shown as a gateway URI; rules name the server's own.
            case .resources:
                guard let uri = item["uri"]?.string else { return false }
                return rules.virtualServers.includesResource(uri: GatewayURI.parse(uri)?.uri ?? uri, in: virtualServer)
            case .resourceTemplates:
                guard let template = item["uriTemplate"]?.string else { return false }
                return rules.virtualServers.includesResource(uri: GatewayURI.parse(template)?.uri ?? template, in: virtualServer)
            }
        }
        return filtered ?? page
    }

    /// Whether a tool of the merged list (its item, with its hints) is shown to `principal`.
    static func showsTool(_ item: JSONView, to principal: Principal, through virtualServer: String?, rules: Governance.Rules, names: NameBook) -> Bool {
        guard let name = item["name"]?.string, let route = names.route(name),
            rules.virtualServers.includesTool(route.canonical, in: virtualServer)
        else { return false }
        let tool = ToolFacts(federatedName: route.canonical, server: route.server, annotations: ToolAnnotations(parsing: item["annotations"]))
        return rules.policy.isVisible(principal: principal, virtualServer: virtualServer, tool: tool)
    }
}

extension Catalogue {
    /// Every tool of the merged catalogue that `principal` sees through `virtualServer`, with
    /// the pages fetched as for a client (`switchboard tools list --as`).
    package func visibleTools(principal: Principal, virtualServer: String?, rules: Governance.Rules, on loop: any EventLoop) -> EventLoopFuture<[JSONView]> {
        fullList(.tools, on: loop).map { tools in
            let names = self.shownTools.book
            return tools.filter { CallerView.showsTool($0, to: principal, through: virtualServer, rules: rules, names: names) }
        }
    }
}
