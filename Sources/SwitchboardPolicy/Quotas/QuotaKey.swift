/// What one counter is kept for. Built from strings the call already holds (`Principal.id` is
/// made once per principal), so a lookup allocates nothing.
enum QuotaKey: Hashable, Sendable, CustomStringConvertible {
    case principal(String)
    case tenant(String)
    case tool(String)
    case server(String)
    case global

    var description: String {
        switch self {
        case .principal(let name), .tenant(let name), .tool(let name), .server(let name): name
        case .global: "*"
        }
    }
}
