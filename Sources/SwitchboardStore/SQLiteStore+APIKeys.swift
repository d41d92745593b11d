package import Foundation
import GRDB
package import SwitchboardIdentity

extension SQLiteStore: APIKeyStore {
    package func createKey(
        name: String,
        roles: [String],
        tenant: String?,
        virtualServers: [String]?,
        expiresAt: Date?
    ) throws(StoreError) -> CreatedAPIKey {
        try Self.validate(name: name, roles: roles, tenant: tenant, virtualServers: virtualServers)
        let createdAt = now()
        if let expiresAt, expiresAt <= createdAt {
            throw StoreError(.invalidInput, "the expiry is in the past")
        }
        let (id, key) = APIKeyFormat.newKey()
        let entry = try perform {
            try writer.write { db -> APIKeyEntry in
                if let holder = try String.fetchOne(db, sql: "SELECT id FROM api_keys WHERE name = ? AND revoked_at IS NULL", arguments: [name]) {
                    throw Self.duplicate(name: name, id: holder)
                }
                do {
                    try db.execute(
                        sql: """
                            INSERT INTO api_keys (id, name, digest, roles, tenant, virtual_servers, created_at, expires_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            id, name, APIKeyDigest(of: key).hex, APIKeyRow.encodeList(roles), tenant,
                            virtualServers.map(APIKeyRow.encodeList), createdAt, expiresAt,
                        ]
                    )
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                    // Another process created the name between the check above and the insert.
                    throw Self.duplicate(name: name, id: nil)
                }
                // Read back, so the record returned is exactly what a later list shows
                // (dates as stored, to the millisecond).
                return try Self.fetchEntry(db, id: id)
            }
        }
        return CreatedAPIKey(record: entry.record, key: key)
    }

    package func listKeys() throws(StoreError) -> [APIKeyRecord] {
        try keyEntries().map(\.record)
    }

    package func keyEntries() throws(StoreError) -> [APIKeyEntry] {
        try perform {
            try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY created_at, name, id").map(APIKeyRow.entry)
            }
        }
    }

    package func revokeKey(nameOrID: String) throws(StoreError) -> (record: APIKeyRecord, newlyRevoked: Bool)? {
        let revokedAt = now()
        let outcome = try perform {
            try writer.write { db -> (record: APIKeyRecord, newlyRevoked: Bool)? in
                // Keys in force before revoked ones, an id before a name, then the latest
                // revoke (so revoking twice is not an error). One query: no window between.
                let found = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT * FROM api_keys WHERE id = ? OR name = ?
                        ORDER BY revoked_at IS NULL DESC, id = ? DESC, revoked_at DESC LIMIT 1
                        """,
                    arguments: [nameOrID, nameOrID, nameOrID]
                ).map(APIKeyRow.entry)
                guard let found else { return nil }
                guard found.record.revokedAt == nil else { return (found.record, false) }
                try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ?", arguments: [revokedAt, found.record.id])
                return (try Self.fetchEntry(db, id: found.record.id).record, true)
            }
        }
        return outcome
    }

    package func recordKeyUses(_ uses: [String: Date]) throws(StoreError) {
        guard !uses.isEmpty else { return }
        try perform {
            try writer.write { db in
                for (id, usedAt) in uses {
                    try db.execute(
                        sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                        arguments: [usedAt, id, usedAt]
                    )
                }
            }
        }
        // `last_used_at` is left out of the store's generation (its trigger names the
        // columns that matter): last use matters to operators, not to authentication.
    }

    private static func validate(name: String, roles: [String], tenant: String?, virtualServers: [String]?) throws(StoreError) {
        var problems = [APIKeyRules.problem(withName: name)]
        problems += roles.map { APIKeyRules.problem(withLabel: $0, what: "role") }
        problems.append(tenant.flatMap { APIKeyRules.problem(withLabel: $0, what: "tenant") })
        problems += (virtualServers ?? []).map { APIKeyRules.problem(withLabel: $0, what: "virtual server") }
        if let problem = problems.lazy.compactMap({ $0 }).first { throw StoreError(.invalidInput, problem) }
        if let virtualServers, virtualServers.isEmpty {
            throw StoreError(.invalidInput, "an empty list of virtual servers would allow none; leave it out to allow all")
        }
    }

    private static func duplicate(name: String, id: String?) -> StoreError {
        let holder = id.map { " (id \($0))" } ?? ""
        return StoreError(.duplicateName, "a key named \(name) already exists\(holder); revoke it first or choose another name")
    }

    private static func fetchEntry(_ db: Database, id: String) throws -> APIKeyEntry {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [id]) else {
            throw StoreError(.database, "key \(id) vanished while it was being written")
        }
        return try APIKeyRow.entry(row)
    }
}
