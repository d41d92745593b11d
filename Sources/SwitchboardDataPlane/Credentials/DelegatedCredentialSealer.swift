package import Foundation

/// Seals delegated tokens for the store with the keys of `sessions.seal_keys`, so the database
/// holds ciphertext only and any replica (or `switchboard credentials`) with the same keys
/// opens it. The purpose binds each token to its row: a sealed value copied to another
/// principal or server does not open there.
package struct DelegatedCredentialSealer: Sendable {
    /// A token stored without an expiry is sealed for this long.
    package static let defaultLifetime = Duration.seconds(10 * 365 * 86_400)

    private let sealer: Sealer
    /// Unix seconds, the `Sealer`'s clock.
    private let now: @Sendable () -> Int64

    /// Nil when there are no keys: delegated tokens are never sealed with a key that dies
    /// with the process.
    package init?(sealKeys: [String], now: @escaping @Sendable () -> Int64 = Sealer.unixTime) {
        guard let keyRing = SealKeyRing(secrets: sealKeys) else { return nil }
        self.sealer = Sealer(keyRing: keyRing, now: now)
        self.now = now
    }

    package static func purpose(principal: String, server: String) -> String {
        // Neither a principal id nor a server name holds NUL, so no two rows share a purpose.
        "delegated-credential:" + principal + "\u{0}" + server
    }

    /// Sealed until `expiresAt` (never sooner than it), or for `defaultLifetime`.
    package func seal(_ token: String, principal: String, server: String, expiresAt: Date?) -> String {
        let ttl: Duration
        if let expiresAt {
            ttl = .seconds(Int64(expiresAt.timeIntervalSince1970.rounded(.up)) - now())
        } else {
            ttl = Self.defaultLifetime
        }
        return sealer.seal(Array(token.utf8), purpose: Self.purpose(principal: principal, server: server), ttl: ttl)
    }

    /// The token, or nil when `sealed` was not sealed for this principal and server with one of
    /// the keys, was altered, or has expired.
    package func open(_ sealed: String, principal: String, server: String) -> String? {
        guard let bytes = sealer.open(sealed, purpose: Self.purpose(principal: principal, server: server)) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
