import Foundation
import SwitchboardControl
import SwitchboardIdentity
import SwitchboardStore

/// The admin API's key endpoints on the SQLite store. A key created or revoked here works (or
/// stops) in this process at once; other processes see the store change within a second.
struct StoreAdminKeys: AdminKeyStore {
    let store: SQLiteStore
    let directory: KeyDirectory

    func listKeys() throws -> [APIKeyRecord] {
        try store.listKeys()
    }

    func createKey(name: String, roles: [String], tenant: String?, virtualServers: [String]?, expiresAt: Date?) throws -> (APIKeyRecord, String) {
        let created = try store.createKey(name: name, roles: roles, tenant: tenant, virtualServers: virtualServers, expiresAt: expiresAt)
        directory.replace(with: try store.keyEntries())
        return (created.record, created.key)
    }

    func revokeKey(nameOrID: String) throws -> APIKeyRecord? {
        try store.revokeKey(nameOrID: nameOrID)?.record
    }
}
