/// Canonical names: `{server}__{name}` (PRODUCT.md), what policy, virtual servers, quotas and
/// audit call a tool or prompt, and what clients see by default (`NameBook` maps what they
/// see). Server keys and aliases cannot contain `__`, so the first `__` always splits
/// correctly even when the server's own name contains one.
public enum FederatedName {
    public static let separator = "__"

    public static func join(server: String, name: String) -> String {
        server + separator + name
    }

    /// The server key and the server's own name, or nil when `name` has no separator.
    public static func split(_ name: String) -> (server: String, name: String)? {
        let utf8 = Array(name.utf8)
        guard let at = (0..<max(0, utf8.count - 1)).first(where: { utf8[$0] == UInt8(ascii: "_") && utf8[$0 + 1] == UInt8(ascii: "_") })
        else { return nil }
        let server = String(decoding: utf8[..<at], as: UTF8.self)
        let local = String(decoding: utf8[(at + 2)...], as: UTF8.self)
        guard !server.isEmpty, !local.isEmpty else { return nil }
        return (server, local)
    }
}
