import SwitchboardCore

/// `servers.NAME.names` and the name budget in `limits`: what clients see as tool and prompt
/// names. Checked here so that a prefix too long for the budget, an alias two servers share or
/// two tools renamed to one name fail at start, naming the key, instead of showing up as
/// shortened or hashed names later.
extension ConfigLoader {
    static let serverNamesKeys = ["prefix", "alias", "tools", "prompts"]
    /// The spec's limit for a tool name.
    static let longestName = 128
    /// Room for a readable name: a hashed one keeps 7 characters for its `_` and hash.
    static let shortestBudget = 16

    static func decodeServerNames(_ node: ConfigNode) throws(ConfigError) -> ServerNamesConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: serverNamesKeys)
        var names = ServerNamesConfig()
        if let value = section["prefix"] {
            let text = try value.string()
            guard let mode = NamePrefixMode(rawValue: text) else {
                throw value.error("expected one of \(NamePrefixMode.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
            }
            names.prefix = mode
        }
        if let value = section["alias"] {
            let alias = try value.string()
            if let problem = aliasProblem(alias) { throw value.error(problem) }
            names.alias = alias
        }
        if let value = section["tools"] { names.tools = try decodeRenames(value) }
        if let value = section["prompts"] { names.prompts = try decodeRenames(value) }
        return names
    }

    /// An alias is a prefix: a server name's rule, and a leading letter (some model APIs).
    static func aliasProblem(_ alias: String) -> String? {
        if let problem = ServerNameRule.problem(with: alias) { return "an alias follows the rule for server names: " + problem }
        guard let first = alias.utf8.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return "an alias starts with a letter"
        }
        return nil
    }

    /// `tools` / `prompts`: upstream name → the name clients see, from `[A-Za-z0-9_-]`, each
    /// target used once.
    private static func decodeRenames(_ node: ConfigNode) throws(ConfigError) -> [String: String] {
        var renames: [String: String] = [:]
        var targets: [String: String] = [:]
        for entry in try ConfigMapping(node).entries {
            let target = try entry.value.string()
            guard target.utf8.allSatisfy(NameCharset.allows) else {
                throw entry.value.error("a name clients see uses only letters, digits, \"_\" and \"-\"")
            }
            guard target.utf8.count <= longestName else { throw entry.value.error("a name has at most \(longestName) characters") }
            if let other = targets[target] {
                throw entry.value.error("\"\(other)\" is already renamed to \"\(target)\"; two tools cannot share a name")
            }
            targets[target] = entry.key
            renames[entry.key] = target
        }
        return renames
    }

    /// The budget against the spec's limit, and each server's prefix against the budget;
    /// aliases unique among prefixes. Run once `servers` and `limits` are both read.
    static func checkNames(_ root: ConfigMapping, config: GatewayConfig) throws(ConfigError) {
        let limits = root["limits"].flatMap { try? ConfigMapping($0) }
        if config.limits.maxToolNameLength > longestName, let node = limits?["max_tool_name_length"] {
            throw node.error("MCP allows tool names of at most \(longestName) characters")
        }
        if config.limits.nameBudget < shortestBudget {
            let node = limits?["tool_name_reserve"] ?? limits?["max_tool_name_length"] ?? root["limits"]!
            throw node.error(
                "max_tool_name_length (\(config.limits.maxToolNameLength)) less tool_name_reserve (\(config.limits.toolNameReserve)) "
                    + "leaves \(config.limits.nameBudget) characters; names need at least \(shortestBudget)"
            )
        }
        let servers = root["servers"].flatMap { try? ConfigMapping($0) }
        var prefixes: [String: String] = [:]
        for server in config.servers {
            let entry = servers?[server.name]
            let namesNode = entry.flatMap { try? ConfigMapping($0) }?["names"]
            let aliasNode = namesNode.flatMap { try? ConfigMapping($0) }?["alias"]
            let prefix = server.names.shownPrefix(server: server.name)
            // An alias that is another server's key would make `{key}__tool` mean two tools.
            if server.names.alias != nil, let other = config.servers.first(where: { $0.name == prefix && $0.name != server.name }) {
                throw (aliasNode ?? entry ?? root["servers"]!).error("\"\(prefix)\" is the name of server \(other.name); an alias is a prefix of its own")
            }
            if let other = prefixes[prefix] {
                throw (aliasNode ?? entry ?? root["servers"]!).error("server \(other) already shows the prefix \"\(prefix)\"; each server needs its own")
            }
            prefixes[prefix] = server.name
            // A prefixed name keeps room for the tool's own name or, at worst, its hash.
            let room = config.limits.nameBudget - prefix.utf8.count - 2
            if server.names.prefix != .none, room < 8 {
                throw (aliasNode ?? entry ?? root["servers"]!).error(
                    "the prefix \"\(prefix)\" leaves \(max(room, 0)) characters of the \(config.limits.nameBudget)-character name budget; "
                        + "give the server a shorter names.alias",
                    atKey: aliasNode == nil
                )
            }
        }
    }
}
