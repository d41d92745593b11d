/// What policy, quotas and virtual servers know about a tool: its federated name, the server
/// that serves it and its hints. Built once per catalogue entry.
public struct ToolFacts: Sendable, Hashable {
    /// `{server}__{tool}`.
    public var federatedName: String
    /// The upstream server's configured name.
    public var server: String
    public var annotations: ToolAnnotations

    public init(federatedName: String, server: String, annotations: ToolAnnotations = .init()) {
        self.federatedName = federatedName
        self.server = server
        self.annotations = annotations
    }
}
