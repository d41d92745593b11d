public import SwitchboardCore

/// One virtual server: the part of the catalogue served at `/mcp/{name}`, by globs over tool
/// and prompt names and resource URIs.
public struct VirtualServer: Sendable {
    public let name: String
    public let description: String?
    private let tools: [Glob]
    private let prompts: [Glob]
    private let resources: [Glob]

    public init(_ config: VirtualServerConfig) {
        name = config.name
        description = config.description
        tools = config.tools.map(Glob.init)
        prompts = config.prompts.map(Glob.init)
        resources = config.resources.map(Glob.init)
    }

    /// `federatedName` is `{server}__{tool}`.
    public func includesTool(_ federatedName: String) -> Bool { tools.matchAny(federatedName) }

    public func includesPrompt(_ federatedName: String) -> Bool { prompts.matchAny(federatedName) }

    /// `uri` is a resource's URI or a resource template's `uriTemplate`.
    public func includesResource(uri: String) -> Bool { resources.matchAny(uri) }
}
