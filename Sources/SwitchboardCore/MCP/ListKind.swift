import Synchronization
/// The four merged lists and how each is federated.
public enum ListKind: String, Sendable, CaseIterable {
    case tools, prompts, resources, resourceTemplates

    package init?(method: String) {
        switch method {
        case "tools/list": self = .tools
        case "prompts/list": self = .prompts
        case "resources/list": self = .resources
        case "resources/templates/list": self = .resourceTemplates
        default: return nil
        }
    }

    package var method: String {
        switch self {
        case .tools: "tools/list"
        case .prompts: "prompts/list"
        case .resources: "resources/list"
        case .resourceTemplates: "resources/templates/list"
        }
    }

    /// The result's array member.
    package var arrayKey: String { rawValue }

    /// The server capability that says it has this list.
    package var capability: String {
        switch self {
        case .tools: "tools"
        case .prompts: "prompts"
        case .resources, .resourceTemplates: "resources"
        }
    }

    /// Tools and prompts get `{server}__` names; resources keep their URIs (spec digest §3.1).
    package var isRenamed: Bool { self == .tools || self == .prompts }

    /// The member that identifies an item.
    package var identityKey: String {
        switch self {
        case .tools, .prompts: "name"
        case .resources: "uri"
        case .resourceTemplates: "uriTemplate"
        }
    }
}
