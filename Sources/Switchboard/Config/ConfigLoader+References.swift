import SwitchboardCore

/// Names that one section uses and another defines: a policy rule or quota limit naming a
/// virtual server or server that the file does not configure would never match, silently.
extension ConfigLoader {
    static func checkReferences(_ root: ConfigMapping, config: GatewayConfig) throws(ConfigError) {
        let virtualServers = Set(config.virtualServers.map(\.name)).union(["/"])
        let servers = Set(config.servers.map(\.name))
        let labelNames = Set(config.servers.flatMap(\.labels.keys))
        var entries: [ConfigNode] = []
        if let rules = root["policy"].flatMap({ try? ConfigMapping($0) })?["rules"] { entries += (try? rules.sequence()) ?? [] }
        if let limits = root["quotas"].flatMap({ try? ConfigMapping($0) })?["limits"] { entries += (try? limits.sequence()) ?? [] }
        for entry in entries {
            guard let mapping = try? ConfigMapping(entry) else { continue }
            if let names = mapping["virtual_servers"] {
                for element in try names.sequence() where !virtualServers.contains(try element.string()) {
                    throw element.error("no virtual server of that name is configured (virtual_servers); \"/\" is /mcp itself")
                }
            }
            if let names = mapping["servers"] {
                for element in try names.sequence() where !servers.contains(try element.string()) {
                    throw element.error("no server of that name is configured (servers)")
                }
            }
            // A label no server carries is a typo far more often than a rule for later.
            if let condition = mapping["server_labels"], let labels = try? ConfigMapping(condition) {
                for entry in labels.entries where !labelNames.contains(entry.key) {
                    throw entry.value.error("no server carries the label \"\(entry.key)\" (servers.NAME.labels)", atKey: true)
                }
            }
        }
    }
}
