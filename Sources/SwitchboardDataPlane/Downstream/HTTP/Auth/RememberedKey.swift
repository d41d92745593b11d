import Foundation
import SwitchboardIdentity
import SwitchboardPolicy

/// The API key a connection authenticated with last, and who it proved: a keep-alive client
/// sends the same header on every request, and those after the first skip the digest and the
/// directory. Held by the connection's handler on its event loop, so nothing is shared.
///
/// It answers only for exactly the header text it was made from, and only while the
/// directory's generation is the one read before the lookup: any reload or revoke, anywhere,
/// bumps it, so a revoked key is refused on its next request as before. Expiry is checked on
/// every request against the key's own `expiresAt`.
struct RememberedKey {
    /// The header value as sent (`Bearer sb_…`, or the bare key in `X-API-Key`).
    let header: String
    let fromAuthorization: Bool
    let principal: Principal
    let keyID: String
    let expiresAt: Date?
    let generation: UInt64
    /// The second of the last use reported to the directory from this connection.
    var reportedSecond: Int64

    /// The principal, when `headers` repeat the remembered credential and it still holds at
    /// `now`; reports the use to `keys` at most once a second.
    mutating func principal(authorization: String?, apiKey: @autoclosure () -> String?, keys: KeyDirectory, now: Date) -> Principal? {
        let presented = fromAuthorization ? authorization : (authorization == nil ? apiKey() : nil)
        guard presented == header, keys.generation == generation else { return nil }
        if let expiresAt, expiresAt <= now { return nil }
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        if second != reportedSecond {
            reportedSecond = second
            keys.noteUse(id: keyID, at: now)
        }
        return principal
    }
}
