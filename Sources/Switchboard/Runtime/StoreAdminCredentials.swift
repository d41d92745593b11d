import Foundation
import SwitchboardControl
import SwitchboardDataPlane
import SwitchboardStore

/// The admin API's delegated-token endpoints on the SQLite store. A token set or removed here
/// applies in this process at once; other processes see the store change within a second.
struct StoreAdminCredentials: AdminCredentialStore {
    let store: any DelegatedCredentialStore
    let sealer: DelegatedCredentialSealer
    let credentials: DelegatedCredentials

    func listCredentials() throws -> [(principal: String, server: String, createdAt: Date, expiresAt: Date?)] {
        try store.listDelegated().map { (principal: $0.principal, server: $0.server, createdAt: $0.createdAt, expiresAt: $0.expiresAt) }
    }

    func setCredential(principal: String, server: String, token: String, expiresAt: Date?) throws {
        let sealed = sealer.seal(token, principal: principal, server: server, expiresAt: expiresAt)
        try store.setDelegated(principal: principal, server: server, sealed: sealed, expiresAt: expiresAt)
        credentials.set(.init(token: token, expiresAt: expiresAt), principal: principal, server: server)
    }

    func removeCredential(principal: String, server: String) throws -> Bool {
        let removed = try store.removeDelegated(principal: principal, server: server)
        credentials.remove(principal: principal, server: server)
        return removed
    }
}
