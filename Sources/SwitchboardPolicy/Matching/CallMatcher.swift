import SwitchboardCore

/// A compiled `CallMatchConfig`: who is calling, through which virtual server, which server and
/// tool. Shared by policy rules and quota limits. Lists are short, so they are scanned rather
/// than hashed; nothing here allocates. A class, so that reading a rule's or a limit's matcher
/// on every call retains one object rather than each of its lists.
final class CallMatcher: Sendable {
    let principals: [Glob]?
    let roles: [String]?
    let tenants: [String]?
    let virtualServers: [String]?
    /// `/` in `virtual_servers`: the root endpoint, which calls carry as a nil virtual server.
    let includesRoot: Bool
    let servers: [String]?
    let tools: [Glob]?
    /// `server_labels` as written, and the servers whose labels it matches (labels are
    /// config, so this is known when the rules are compiled; nothing is looked up per call).
    let serverLabels: [String: [String]]?
    let labelled: [String]
    /// Each server's labels as text, for `policy test` (only with `server_labels`).
    let labelTexts: [String: String]

    init(_ config: CallMatchConfig, serverLabels labels: [String: [String: String]] = [:]) {
        principals = config.principals.map { $0.map(Glob.init) }
        roles = config.roles
        tenants = config.tenants
        virtualServers = config.virtualServers?.filter { $0 != CallMatchConfig.rootVirtualServer }
        includesRoot = config.virtualServers?.contains(CallMatchConfig.rootVirtualServer) ?? false
        servers = config.servers
        tools = config.tools.map { $0.map(Glob.init) }
        serverLabels = config.serverLabels
        labelled = config.serverLabels.map { condition in labels.filter { ServerLabels.match($0.value, condition) }.keys.sorted() } ?? []
        labelTexts = config.serverLabels == nil ? [:] : labels.mapValues(ServerLabels.text)
    }

    var isEmpty: Bool {
        principals == nil && roles == nil && tenants == nil && virtualServers == nil && servers == nil && tools == nil && serverLabels == nil
    }

    func matches(principal: Principal, virtualServer: String?, tool: ToolFacts) -> Bool {
        matchesTool(tool) && matchesRoute(virtualServer) && matchesCaller(principal)
    }

    func matchesCaller(_ principal: Principal) -> Bool {
        if let principals, !principals.contains(where: { $0.matches(principal.id) }) { return false }
        if let roles, !roles.contains(where: principal.roles.contains) { return false }
        if let tenants {
            guard let tenant = principal.tenant, tenants.contains(tenant) else { return false }
        }
        return true
    }

    func matchesRoute(_ virtualServer: String?) -> Bool {
        guard let virtualServers else { return true }
        guard let virtualServer else { return includesRoot }
        return virtualServers.contains(virtualServer)
    }

    func matchesTool(_ tool: ToolFacts) -> Bool {
        if let servers, !servers.contains(tool.server) { return false }
        if serverLabels != nil, !labelled.contains(tool.server) { return false }
        if let tools, !tools.matchAny(tool.federatedName) { return false }
        return true
    }
}

extension CallMatcher {
    /// Each present matcher with whether it held, for `switchboard policy test`.
    func checks(principal: Principal, virtualServer: String?, tool: ToolFacts) -> [MatcherCheck] {
        var checks: [MatcherCheck] = []
        func list(_ values: [String]) -> String { "[" + values.joined(separator: ", ") + "]" }
        if let principals {
            checks.append(
                MatcherCheck(
                    matcher: "principals", expected: list(principals.map(\.pattern)), actual: principal.id,
                    held: principals.contains { $0.matches(principal.id) }
                )
            )
        }
        if let roles {
            checks.append(
                MatcherCheck(
                    matcher: "roles", expected: list(roles), actual: list(principal.roles.sorted()),
                    held: roles.contains(where: principal.roles.contains)
                )
            )
        }
        if let tenants {
            checks.append(
                MatcherCheck(
                    matcher: "tenants", expected: list(tenants), actual: principal.tenant ?? "(none)",
                    held: principal.tenant.map(tenants.contains) ?? false
                )
            )
        }
        if virtualServers != nil {
            let written = (includesRoot ? [CallMatchConfig.rootVirtualServer] : []) + (virtualServers ?? [])
            checks.append(
                MatcherCheck(
                    matcher: "virtual_servers", expected: list(written),
                    actual: virtualServer ?? CallMatchConfig.rootVirtualServer, held: matchesRoute(virtualServer)
                )
            )
        }
        if let servers {
            checks.append(
                MatcherCheck(matcher: "servers", expected: list(servers), actual: tool.server, held: servers.contains(tool.server))
            )
        }
        if let serverLabels {
            checks.append(
                MatcherCheck(
                    matcher: "server_labels", expected: ServerLabels.text(serverLabels), actual: tool.server + " " + (labelTexts[tool.server] ?? "{}"),
                    held: labelled.contains(tool.server)
                )
            )
        }
        if let tools {
            checks.append(
                MatcherCheck(
                    matcher: "tools", expected: list(tools.map(\.pattern)), actual: tool.federatedName,
                    held: tools.matchAny(tool.federatedName)
                )
            )
        }
        return checks
    }

    /// The matchers as written, for a decision's one-line explanation.
    var summary: [String] {
        var parts: [String] = []
        func list(_ values: [String]) -> String { values.count == 1 ? values[0] : "[" + values.joined(separator: ", ") + "]" }
        if let principals { parts.append("principal " + list(principals.map(\.pattern))) }
        if let roles { parts.append("role " + list(roles)) }
        if let tenants { parts.append("tenant " + list(tenants)) }
        if let virtualServers {
            parts.append("virtual server " + list((includesRoot ? [CallMatchConfig.rootVirtualServer] : []) + virtualServers))
        }
        if let servers { parts.append("server " + list(servers)) }
        if let serverLabels { parts.append("server labels " + ServerLabels.text(serverLabels)) }
        if let tools { parts.append("tool " + list(tools.map(\.pattern))) }
        return parts
    }
}
