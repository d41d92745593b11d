import SwitchboardCore

/// `quotas` and `virtual_servers`.
extension ConfigLoader {
    static func decodeQuotas(_ node: ConfigNode) throws(ConfigError) -> QuotaConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: quotaKeys)
        var quotas = QuotaConfig()
        if let costs = section["costs"] {
            for entry in try ConfigMapping(costs).entries {
                guard !entry.key.isEmpty else { throw entry.value.error("a cost's tool glob cannot be empty", atKey: true) }
                quotas.costs.append(QuotaConfig.Cost(tools: entry.key, units: try entry.value.nonNegativeInt()))
            }
        }
        if let limits = section["limits"] {
            var lines: [String: Int] = [:]
            for element in try limits.sequence() {
                let limit = try decodeQuotaLimit(element)
                if let earlier = lines[limit.id] {
                    let idNode = (try? ConfigMapping(element))?["id"] ?? element
                    throw idNode.error("duplicate limit id; \"\(limit.id)\" is already used on line \(earlier)", code: .duplicateKey)
                }
                lines[limit.id] = element.line ?? 0
                quotas.limits.append(limit)
            }
        }
        return quotas
    }

    static func decodeQuotaLimit(_ node: ConfigNode) throws(ConfigError) -> QuotaLimitConfig {
        let mapping = try ConfigMapping(node)
        try mapping.rejectUnknownKeys(allowed: quotaLimitKeys)
        let id = try decodeRuleID(mapping, node, what: "limit")
        guard let perNode = mapping["per"] else {
            throw node.error(
                "missing required key \"per\" (principal, tenant, tool, server or global)", code: .missingKey, atKey: true
            )
        }
        var limit = QuotaLimitConfig(id: id, per: try perNode.keyword(QuotaLimitConfig.Per.allCases))
        limit.match = try decodeCallMatch(mapping)
        if let value = mapping["rate"] {
            let scalar = try value.scalar()
            guard let rate = QuotaRate.parse(scalar.text) else { throw scalar.error("expected \(QuotaRate.expectation)") }
            limit.rate = rate
        }
        if let value = mapping["burst"] {
            guard limit.rate != nil else {
                throw value.error("burst is the size of the rate's bucket; set rate too", atKey: true)
            }
            limit.burst = try value.positiveInt()
        }
        if let value = mapping["concurrency"] { limit.concurrency = try value.positiveInt() }
        if let value = mapping["daily_budget"] { limit.dailyBudget = try value.positiveInt() }
        guard limit.rate != nil || limit.concurrency != nil || limit.dailyBudget != nil else {
            throw node.error("a limit sets at least one of rate, concurrency or daily_budget", code: .missingKey, atKey: true)
        }
        return limit
    }

    /// Kept in file order; names follow the server-name rule because they become a URL path
    /// segment (`/mcp/{name}`).
    static func decodeVirtualServers(_ node: ConfigNode) throws(ConfigError) -> [VirtualServerConfig] {
        var servers: [VirtualServerConfig] = []
        for entry in try ConfigMapping(node).entries {
            if let problem = ServerNameRule.problem(with: entry.key) {
                throw entry.value.error("invalid virtual server name: \(problem)", atKey: true)
            }
            let section = try ConfigMapping(entry.value)
            try section.rejectUnknownKeys(allowed: virtualServerKeys)
            var server = VirtualServerConfig(name: entry.key)
            if let value = section["description"] { server.description = try value.string(allowEmpty: true) }
            if let value = section["tools"] { server.tools = try value.globList() }
            if let value = section["prompts"] { server.prompts = try value.globList() }
            if let value = section["resources"] { server.resources = try value.globList() }
            if let value = section["max_tools"] { server.maxTools = try value.positiveInt() }
            if let value = section["search"] { server.search = try decodeToolSearch(value) }
            servers.append(server)
        }
        return servers
    }
}

extension ConfigLoader {
    static let toolSearchKeys = ["enabled", "always", "results"]

    /// `search`: `true`, or `{enabled, always, results}`; nil when off.
    static func decodeToolSearch(_ node: ConfigNode) throws(ConfigError) -> ToolSearchConfig? {
        if node.isScalar { return try node.bool() ? ToolSearchConfig() : nil }
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: toolSearchKeys)
        if let value = section["enabled"], try !value.bool() { return nil }
        var search = ToolSearchConfig()
        if let value = section["always"] { search.always = try value.globList() }
        if let value = section["results"] {
            search.results = try value.positiveInt()
            guard search.results <= 50 else { throw value.error("a search returns at most 50 tools") }
        }
        return search
    }
}

extension ConfigNode {
    /// A list of non-empty globs; empty or absent means "none".
    func globList() throws(ConfigError) -> [String] {
        var globs: [String] = []
        for element in try sequence() { globs.append(try element.string()) }
        return globs
    }
}
