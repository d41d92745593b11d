package import Foundation

/// Where delegated tokens (one per principal and server, sealed) outlive the process. Calls
/// block (SQLite I/O): make them from a task or thread of the control plane, never from an
/// event loop.
package protocol DelegatedCredentialStore: Sendable {
    /// Stores `sealed` for the pair, replacing what was there (and its creation time).
    func setDelegated(principal: String, server: String, sealed: String, expiresAt: Date?) throws(StoreError)

    /// False when nothing was stored for the pair.
    func removeDelegated(principal: String, server: String) throws(StoreError) -> Bool

    /// Every row without its sealed token, by server then principal.
    func listDelegated() throws(StoreError) -> [DelegatedCredentialRecord]

    /// Every row with its sealed token, for the gateway's in-memory copy.
    func delegatedEntries() throws(StoreError) -> [SealedDelegatedCredential]

    /// See `APIKeyStore.changeToken()`: moves on any write, of keys or of these rows.
    func changeToken() throws(StoreError) -> Int64
}
