import SwitchboardCore

/// `guards` and `servers.NAME.guards`: definition scanning and pinning.
extension ConfigLoader {
    static func decodeGuards(_ node: ConfigNode) throws(ConfigError) -> GuardsConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: guardsKeys)
        var guards = GuardsConfig()
        if let value = section["enabled"] { guards.enabled = try value.bool() }
        if let value = section["rules"] { guards.rules = node.source.resolve(try value.string()) }
        if let value = section["refresh"] {
            let refresh = try value.positiveDuration()
            guard refresh >= Duration.seconds(10) else { throw value.error("refresh is at least 10s: every refresh lists every server's tools") }
            guards.refresh = refresh
        }
        if let value = section["flow"] { guards.flow = try decodeFlowGuard(value) }
        guards.server = try decodeServerGuards(node, keys: guardsKeys)
        return guards
    }

    /// `guards.flow`: `action`, `after` (kinds of finding) and `window`.
    static func decodeFlowGuard(_ node: ConfigNode) throws(ConfigError) -> FlowGuardConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: ["action", "after", "window"])
        var flow = FlowGuardConfig()
        if let value = section["action"] { flow.action = try value.keyword(FlowGuardConfig.Action.allCases) }
        if let value = section["after"] {
            flow.after = try value.matcherList { FlowGuardConfig.kinds.contains($0) ? nil : "one of " + FlowGuardConfig.kinds.joined(separator: ", ") }
        }
        if let value = section["window"] {
            let window = try value.positiveDuration()
            guard window >= Duration.seconds(60), window <= Duration.seconds(7 * 86_400) else {
                throw value.error("window is between 1m and 7d")
            }
            flow.window = window
        }
        return flow
    }

    /// `mode` and `trust_on_first_use` of a server's `guards` (or the defaults in `guards`,
    /// whose other keys `decodeGuards` reads).
    static func decodeServerGuards(_ node: ConfigNode, keys: [String]) throws(ConfigError) -> ServerGuardsConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: keys)
        var guards = ServerGuardsConfig()
        if let value = section["mode"] { guards.mode = try value.keyword(ServerGuardsConfig.Mode.allCases) }
        if let value = section["trust_on_first_use"] { guards.trustOnFirstUse = try value.bool() }
        if let value = section["results"] { guards.results = try decodeContentGuards(value, tools: keys != guardsKeys) }
        return guards
    }

    /// `results`: an action per key, and under a server, per tool.
    static func decodeContentGuards(_ node: ConfigNode, tools: Bool) throws(ConfigError) -> ContentGuardsConfig {
        let section = try ConfigMapping(node)
        let keys = ["secrets", "pii", "injection", "arguments"]
        try section.rejectUnknownKeys(allowed: tools ? keys + ["tools"] : keys)
        var results = ContentGuardsConfig()
        func action(_ key: String) throws(ConfigError) -> ContentGuardsConfig.Action? {
            guard let value = section[key] else { return nil }
            let text = try value.string()
            let allowed = ContentGuardsConfig.allowed[key] ?? []
            guard let action = ContentGuardsConfig.Action(rawValue: text), allowed.contains(action) else {
                throw value.error("\(key) is one of \(allowed.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
            }
            return action
        }
        results.secrets = try action("secrets")
        results.pii = try action("pii")
        results.injection = try action("injection")
        results.arguments = try action("arguments")
        if tools, let value = section["tools"] {
            let perTool = try ConfigMapping(value)
            for entry in perTool.entries {
                results.tools[entry.key] = try decodeContentGuards(entry.value, tools: false)
            }
        }
        return results
    }
}

/// `approvals`: the human approval queue.
extension ConfigLoader {
    static func decodeApprovals(_ node: ConfigNode) throws(ConfigError) -> ApprovalsConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: ["timeout", "scope"])
        var approvals = ApprovalsConfig()
        if let value = section["timeout"] {
            let timeout = try value.positiveDuration()
            guard timeout >= Duration.seconds(30), timeout <= Duration.seconds(7 * 86_400) else {
                throw value.error("timeout is between 30s and 7d: a human needs time to decide, and a request must not wait for ever")
            }
            approvals.timeout = timeout
        }
        if let value = section["scope"] {
            let text = try value.string()
            guard let scope = ApprovalsConfig.Scope(rawValue: text) else {
                throw value.error("expected one of \(ApprovalsConfig.Scope.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
            }
            approvals.scope = scope
        }
        return approvals
    }
}
