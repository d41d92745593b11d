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
    /// `max_tools`: at most this many tools listed to a caller (nil: no cap).
    public var maxTools: Int?
    /// `search`: the list holds `search_tools` and `call_tool` (and the `always` tools) in
    /// place of the whole catalogue (nil: off).
    public var search: ToolSearchConfig?

    public init(name: String, description: String? = nil, tools: [String] = [], prompts: [String] = [], resources: [String] = []) {
        self.name = name
        self.description = description
        self.tools = tools
        self.prompts = prompts
        self.resources = resources
    }
}

/// `virtual_servers.NAME.search`: for clients that cannot hold or search a large catalogue.
public struct ToolSearchConfig: Sendable, Equatable {
    /// `always`: globs over canonical tool names listed besides the two search tools.
    public var always: [String]
    /// `results`: most tools one `search_tools` returns (default 10, at most 50).
    public var results: Int

    public init(always: [String] = [], results: Int = 10) {
        self.always = always
        self.results = results
    }
}
