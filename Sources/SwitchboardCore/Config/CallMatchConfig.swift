/// Which calls a policy rule or a quota limit applies to. A nil list is not a condition; a
/// present list holds when any of its entries matches the call, and every present list must hold.
public struct CallMatchConfig: Sendable, Equatable {
    /// `virtual_servers` entry that stands for the root endpoint `/mcp`.
    public static let rootVirtualServer = "/"

    /// `principals`: globs over `Principal.id` (`key:ci-*`, `jwt:alice@example.com`, `anonymous`).
    public var principals: [String]?
    /// `roles`: the caller has at least one of these roles.
    public var roles: [String]?
    /// `tenants`: the caller's tenant is one of these (a caller without a tenant matches none).
    public var tenants: [String]?
    /// `virtual_servers`: the call came through one of these; `/` is the root `/mcp`.
    public var virtualServers: [String]?
    /// `servers`: the upstream server's name, exactly.
    public var servers: [String]?
    /// `tools`: globs over the federated name `{server}__{tool}`.
    public var tools: [String]?
    /// `server_labels`: the server's labels have, for every key, one of the values listed
    /// (`{environment: [prod], risk: [high, critical]}`).
    public var serverLabels: [String: [String]]?

    public init(
        principals: [String]? = nil,
        roles: [String]? = nil,
        tenants: [String]? = nil,
        virtualServers: [String]? = nil,
        servers: [String]? = nil,
        tools: [String]? = nil,
        serverLabels: [String: [String]]? = nil
    ) {
        self.principals = principals
        self.roles = roles
        self.tenants = tenants
        self.virtualServers = virtualServers
        self.servers = servers
        self.tools = tools
        self.serverLabels = serverLabels
    }
}
