public import SwitchboardCore

/// The configured virtual servers by name. The root endpoint `/mcp` (a nil virtual server)
/// includes everything; a name that is not configured includes nothing.
public struct VirtualServerCatalogue: Sendable {
    private let servers: [String: VirtualServer]
    /// Names in file order.
    public let names: [String]

    public init(_ configs: [VirtualServerConfig]) {
        var servers: [String: VirtualServer] = [:]
        for config in configs where servers[config.name] == nil {
            servers[config.name] = VirtualServer(config)
        }
        self.servers = servers
        self.names = configs.map(\.name).reduce(into: []) { names, name in
            if !names.contains(name) { names.append(name) }
        }
    }

    public func server(named name: String) -> VirtualServer? { servers[name] }

    public func includesTool(_ federatedName: String, in virtualServer: String?) -> Bool {
        guard let virtualServer else { return true }
        return servers[virtualServer]?.includesTool(federatedName) ?? false
    }

    public func includesPrompt(_ federatedName: String, in virtualServer: String?) -> Bool {
        guard let virtualServer else { return true }
        return servers[virtualServer]?.includesPrompt(federatedName) ?? false
    }

    public func includesResource(uri: String, in virtualServer: String?) -> Bool {
        guard let virtualServer else { return true }
        return servers[virtualServer]?.includesResource(uri: uri) ?? false
    }
}
