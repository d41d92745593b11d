import NIOHTTP1
import SwitchboardIdentity

/// The credential a request presents, read from its headers only: tokens in the query string
/// are never read (OAuth 2.1 §5.2; they end up in logs). `Authorization: Bearer` wins over
/// `X-API-Key` when both are sent.
enum CallerCredential {
    case none
    /// `sb_…` in either header.
    case apiKey(Substring)
    /// Any other bearer token: a JWT to verify.
    case bearer(Substring)
    /// An `Authorization` header of another scheme (Basic, …), or an empty token.
    case unsupported

    init(_ headers: HTTPHeaders) {
        if let authorization = headers.first(name: "Authorization") {
            let value = authorization[...]
            guard Self.hasBearerScheme(value) else {
                self = .unsupported
                return
            }
            let token = value.dropFirst(7).drop { $0 == " " }
            if token.isEmpty {
                self = .unsupported
            } else {
                self = APIKeyFormat.isWellFormed(token) ? .apiKey(token) : .bearer(token)
            }
        } else if let key = headers.first(name: "X-API-Key") {
            self = key.isEmpty ? .unsupported : .apiKey(key[...])
        } else {
            self = .none
        }
    }

    /// The bearer token of a JWT caller: what a `passthrough` server may be sent.
    var jwtText: String? {
        if case .bearer(let token) = self { return String(token) }
        return nil
    }

    /// `Bearer ` in any case (RFC 7235 schemes are case-insensitive), without making a string.
    private static func hasBearerScheme(_ value: Substring) -> Bool {
        let utf8 = value.utf8
        guard utf8.count > 7 else { return false }
        for (byte, expected) in zip(utf8.prefix(7), "bearer ".utf8) where byte | (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0) != expected {
            return false
        }
        return true
    }
}
