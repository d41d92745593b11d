/// What one counter is kept for. Built from the strings the call already carries, so a lookup
/// allocates nothing (`Principal.id` would be a new string per call).
enum QuotaKey: Hashable, Sendable, CustomStringConvertible {
    case principal(Principal.Kind, String)
    case tenant(String)
    case tool(String)
    case server(String)
    case global

    var description: String {
        switch self {
        case .principal(let kind, let name):
            Principal(kind: kind, name: name).id
        case .tenant(let name), .tool(let name), .server(let name): name
        case .global: "*"
        }
    }
}
