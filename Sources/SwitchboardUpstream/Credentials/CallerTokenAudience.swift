import NIOCore
import SwitchboardCore

/// The `aud` of a caller's JWT, read from its payload without checking the signature: the
/// gateway verified the token when the caller presented it, and this only decides whether
/// the token may travel on to one server.
enum CallerTokenAudience {
    /// Far above real access tokens, as in the verifier.
    static let maxTokenLength = 16 * 1024

    /// The audiences (a string `aud` counts as a list of one); nil when the token is not a
    /// readable JWT or has no `aud`.
    static func audiences(of token: String) -> [String]? {
        guard token.utf8.count <= maxTokenLength else { return nil }
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let payload = Base64URL.decode(String(segments[1])),
            let claims = try? JSONView.parse(ByteBuffer(bytes: payload)), claims.isObject,
            let aud = claims["aud"]
        else { return nil }
        if let single = aud.string { return [single] }
        guard aud.isArray else { return nil }
        let all = aud.elements.compactMap(\.string)
        return all.isEmpty ? nil : all
    }

    /// Whether `token` was minted for `audience`, compared exactly as the verifier compares.
    static func token(_ token: String, isFor audience: String) -> Bool {
        audiences(of: token)?.contains(audience) ?? false
    }
}
