package import Foundation
import GRDB

extension SQLiteStore: DelegatedCredentialStore {
    package func setDelegated(principal: String, server: String, sealed: String, expiresAt: Date?) throws(StoreError) {
        guard !principal.isEmpty, !server.isEmpty, !sealed.isEmpty else {
            throw StoreError(.invalidInput, "a delegated credential needs a principal, a server and a sealed token")
        }
        let createdAt = now()
        try perform {
            try writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO delegated_credentials (principal, server, sealed, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (principal, server) DO UPDATE
                        SET sealed = excluded.sealed, created_at = excluded.created_at, expires_at = excluded.expires_at
                        """,
                    arguments: [principal, server, sealed, createdAt, expiresAt]
                )
            }
        }
    }

    package func removeDelegated(principal: String, server: String) throws(StoreError) -> Bool {
        let removed = try perform {
            try writer.write { db -> Bool in
                try db.execute(sql: "DELETE FROM delegated_credentials WHERE principal = ? AND server = ?", arguments: [principal, server])
                return db.changesCount > 0
            }
        }
        return removed
    }

    package func listDelegated() throws(StoreError) -> [DelegatedCredentialRecord] {
        try perform {
            try writer.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT principal, server, created_at, expires_at FROM delegated_credentials ORDER BY server, principal"
                ).map { row in
                    DelegatedCredentialRecord(
                        principal: try row.decode(forColumn: "principal"),
                        server: try row.decode(forColumn: "server"),
                        createdAt: try row.decode(forColumn: "created_at"),
                        expiresAt: try row.decode(forColumn: "expires_at")
                    )
                }
            }
        }
    }

    package func delegatedEntries() throws(StoreError) -> [SealedDelegatedCredential] {
        try perform {
            try writer.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT principal, server, sealed, expires_at FROM delegated_credentials ORDER BY server, principal"
                ).map { row in
                    SealedDelegatedCredential(
                        principal: try row.decode(forColumn: "principal"),
                        server: try row.decode(forColumn: "server"),
                        sealed: try row.decode(forColumn: "sealed"),
                        expiresAt: try row.decode(forColumn: "expires_at")
                    )
                }
            }
        }
    }
}
