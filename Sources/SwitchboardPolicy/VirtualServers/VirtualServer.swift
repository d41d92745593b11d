public import SwitchboardCore

/// One virtual server: the part of the catalogue served at `/mcp/{name}`, by globs over tool
/// and prompt names and resource URIs.
public struct VirtualServer: Sendable {
    public let name: String
    public let description: String?
    private let tools: [Glob]
    private let prompts: [Glob]
    private let resources: [Glob]
    /// At most this many tools listed to a caller (`max_tools`).
    public let maxTools: Int?
    /// The search mode (`search`), nil when off.
    public let search: Search?

    /// `search`: the list holds `search_tools` and `call_tool` and the tools `always` names.
    public struct Search: Sendable {
        private let always: [Glob]
        /// Most tools one search returns.
        public let results: Int

        init(always: [Glob], results: Int) {
            self.always = always
            self.results = results
        }

        /// Whether the tool (canonical name) is listed besides the search tools.
        public func alwaysLists(_ canonical: String) -> Bool { always.matchAny(canonical) }
    }

    public init(_ config: VirtualServerConfig) {
        name = config.name
        description = config.description
        tools = config.tools.map(Glob.init)
        prompts = config.prompts.map(Glob.init)
        resources = config.resources.map(Glob.init)
        maxTools = config.maxTools
        search = config.search.map { Search(always: $0.always.map(Glob.init), results: $0.results) }
    }

    /// `federatedName` is `{server}__{tool}`.
    public func includesTool(_ federatedName: String) -> Bool { tools.matchAny(federatedName) }

    public func includesPrompt(_ federatedName: String) -> Bool { prompts.matchAny(federatedName) }

    /// `uri` is a resource's URI or a resource template's `uriTemplate`.
    public func includesResource(uri: String) -> Bool { resources.matchAny(uri) }
}
