package import Foundation
package import SwitchboardIdentity

/// Where API keys outlive the process. Calls block (SQLite I/O): make them from a task or
/// thread of the control plane, never from an event loop.
package protocol APIKeyStore: Sendable {
    /// Validates, generates the key text, stores only its digest, and returns the text once.
    /// Fails with `.duplicateName` when a key that is not revoked has this name.
    func createKey(
        name: String,
        roles: [String],
        tenant: String?,
        virtualServers: [String]?,
        expiresAt: Date?
    ) throws(StoreError) -> CreatedAPIKey

    /// Every key, revoked and expired ones included, oldest first.
    func listKeys() throws(StoreError) -> [APIKeyRecord]

    /// Revokes the key with this id or, failing that, the unrevoked key with this name. Nil
    /// when there is none; `newlyRevoked` is false when it was revoked already (idempotent).
    func revokeKey(nameOrID: String) throws(StoreError) -> (record: APIKeyRecord, newlyRevoked: Bool)?

    /// Moves `last_used_at` forward (never back) for each key id.
    func recordKeyUses(_ uses: [String: Date]) throws(StoreError)

    /// Every key with its digest, for `KeyDirectory.replace(with:)`.
    func keyEntries() throws(StoreError) -> [APIKeyEntry]

    /// Changes whenever the keys may have changed: a write by this store object, or a commit by
    /// any other connection to the same database (another process such as `switchboard keys`).
    /// Cheap enough to poll every second.
    func changeToken() throws(StoreError) -> Int64
}
