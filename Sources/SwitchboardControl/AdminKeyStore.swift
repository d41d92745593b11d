package import Foundation
package import SwitchboardIdentity

/// What the admin API needs of the key store; the composition root backs it with the SQLite
/// store (this module does not link the store itself). Calls block on the store and are
/// made off the event loops.
package protocol AdminKeyStore: Sendable {
    func listKeys() throws -> [APIKeyRecord]
    /// The record and the key text, which is shown once.
    func createKey(name: String, roles: [String], tenant: String?, virtualServers: [String]?, expiresAt: Date?) throws -> (APIKeyRecord, String)
    /// The revoked record, or nil when no key has that name or id.
    func revokeKey(nameOrID: String) throws -> APIKeyRecord?
}
