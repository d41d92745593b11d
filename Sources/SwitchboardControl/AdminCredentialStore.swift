package import Foundation

/// What the admin API needs to manage delegated tokens; the composition root backs it with the
/// store, the sealer and the in-memory `DelegatedCredentials`. Calls block on the store and
/// are made off the event loops. A token goes in and never comes out.
package protocol AdminCredentialStore: Sendable {
    /// Every stored token's row, without the token.
    func listCredentials() throws -> [(principal: String, server: String, createdAt: Date, expiresAt: Date?)]
    /// Seals and stores `token` (replacing one stored for the same pair); in force at once.
    func setCredential(principal: String, server: String, token: String, expiresAt: Date?) throws
    /// False when none was stored for the pair.
    func removeCredential(principal: String, server: String) throws -> Bool
}
