/// `servers.NAME.names`: how this server's tools and prompts are named for clients. The
/// default (`prefix: always`, no alias, no renames) gives `{server}__{tool}`, as PRODUCT.md
/// fixes; the names clients see are then mapped into the charset and length every model API
/// accepts (`NameBook` in the data plane).
public struct ServerNamesConfig: Sendable, Equatable {
    /// When the server's names carry its prefix (`prefix`).
    public var prefix: NamePrefixMode = .always
    /// The prefix clients see instead of the server's key (`alias`); policy, quotas, virtual
    /// servers and audit keep naming tools by the key.
    public var alias: String?
    /// Upstream tool name → the name clients see before the prefix (`tools`).
    public var tools: [String: String] = [:]
    /// Upstream prompt name → the name clients see before the prefix (`prompts`).
    public var prompts: [String: String] = [:]

    public init(prefix: NamePrefixMode = .always, alias: String? = nil, tools: [String: String] = [:], prompts: [String: String] = [:]) {
        self.prefix = prefix
        self.alias = alias
        self.tools = tools
        self.prompts = prompts
    }

    /// The prefix clients see: the alias, else the server's key.
    public func shownPrefix(server: String) -> String { alias ?? server }

    /// Whether the names clients see are exactly `{server}__{name}`.
    public var isDefault: Bool { self == ServerNamesConfig() }
}

/// `servers.NAME.names.prefix`.
public enum NamePrefixMode: String, Sendable, Equatable, CaseIterable {
    /// `{prefix}__{name}` for every tool and prompt (the default).
    case always
    /// The bare name, unless another server's list has the same one: then both are prefixed.
    case onCollision = "on_collision"
    /// The bare name; a name another server also shows is prefixed anyway (reported by `check`).
    case none
}
