import Synchronization
/// Federated names: `{server}__{name}` (PRODUCT.md). Server keys cannot contain `__`, so the
/// first `__` always splits correctly even when the server's own name contains one.
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

    /// Why a federated name would break clients, or nil when it is fine. The spec's tool-name
    /// rule (2025-11-25): 1–128 characters from `[A-Za-z0-9_.-]`; `maxLength` may be lower
    /// for clients whose model APIs cap names at 64.
    public static func problem(_ name: String, maxLength: Int) -> String? {
        if name.utf8.count > maxLength { return "longer than \(maxLength) characters" }
        for c in name.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
                continue
            default:
                return "contains characters outside [A-Za-z0-9_.-]"
            }
        }
        return nil
    }
}
