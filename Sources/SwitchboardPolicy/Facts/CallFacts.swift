public import SwitchboardCore

/// One `tools/call` as policy and quotas see it.
public struct CallFacts: Sendable {
    public var principal: Principal
    /// The virtual server the call came through; nil for the root endpoint `/mcp`.
    public var virtualServer: String?
    public var tool: ToolFacts
    /// `params.arguments`; nil when the call has none.
    public var arguments: JSONView?

    public init(principal: Principal, virtualServer: String? = nil, tool: ToolFacts, arguments: JSONView? = nil) {
        self.principal = principal
        self.virtualServer = virtualServer
        self.tool = tool
        self.arguments = arguments
    }
}
