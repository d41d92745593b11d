import NIOHTTP1
import SwitchboardIdentity

/// The credential a request presents, read from its headers only: tokens in the query string
/// are never read (OAuth 2.1 §5.2; they end up in logs). `Authorization: Bearer` wins over
/// `X-API-Key` when both are sent.
enum CallerCredential {
    case none
    /// `sb_…` as a bearer token, or anything in `X-API-Key`.
    case apiKey(Substring)
    /// Any other bearer token: a JWT to verify.
    case bearer(Substring)
    /// An `Authorization` header of another scheme (Basic, …), or an empty token.
    case unsupported

    init(_ headers: HTTPHeaders) {
        self.init(authorization: headers.first(name: "Authorization"), apiKey: headers.first(name: "X-API-Key"))
    }

    /// From the two headers' values; `apiKey` is read only without `Authorization`.
    init(authorization: String?, apiKey: @autoclosure () -> String?) {
        if let authorization {
            let value = authorization[...]
            guard Self.hasBearerScheme(value) else {
                self = .unsupported
                return
            }
            let token = value.dropFirst(7).drop { $0 == " " }
            if token.isEmpty {
                self = .unsupported
            } else {
                // The directory checks the key's whole shape; the prefix says which kind to ask.
                self = APIKeyFormat.hasKeyPrefix(token) ? .apiKey(token) : .bearer(token)
            }
        } else if let key = apiKey() {
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
        value.utf8.withContiguousStorageIfAvailable(hasBearerScheme) ?? Array(value.utf8).withUnsafeBufferPointer(hasBearerScheme)
    }

    private static let bearer: [UInt8] = Array("bearer ".utf8)

    private static func hasBearerScheme(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count > bearer.count else { return false }
        for index in bearer.indices {
            let byte = bytes[index]
            // ASCII letters to lowercase; the space is compared as it is.
            if byte | (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0) != bearer[index] { return false }
        }
        return true
    }
}
