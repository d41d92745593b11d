/// `virtual_servers.NAME`: a named subset of the catalogue served at `/mcp/{name}`. Each list
/// holds globs (`*` any run of characters, `?` one character); an absent or empty list includes
/// nothing of that kind.
public struct VirtualServerConfig: Sendable, Equatable {
    /// The key under `virtual_servers`; follows the server-name rule.
    public var name: String
    public var description: String?
    /// `tools`: globs over federated tool names.
    public var tools: [String]
    /// `prompts`: globs over federated prompt names.
    public var prompts: [String]
    /// `resources`: globs over resource URIs and resource templates' `uriTemplate`.
    public var resources: [String]

    public init(name: String, description: String? = nil, tools: [String] = [], prompts: [String] = [], resources: [String] = []) {
        self.name = name
        self.description = description
        self.tools = tools
        self.prompts = prompts
        self.resources = resources
    }
}
