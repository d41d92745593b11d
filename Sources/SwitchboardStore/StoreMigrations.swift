import GRDB

/// The schema, as an ordered list of migrations. A migration, once released, never changes:
/// add a new one. Opening a store runs the ones it has not seen; running them twice is a no-op.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 api_keys") { db in
            try db.create(table: "api_keys") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                // SHA-256 of the whole key text, hex: the key itself is never stored.
                t.column("digest", .text).notNull().unique()
                // JSON array text.
                t.column("roles", .text).notNull().defaults(to: "[]")
                t.column("tenant", .text)
                // JSON array text; NULL means every virtual server.
                t.column("virtual_servers", .text)
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime)
                t.column("revoked_at", .datetime)
                t.column("last_used_at", .datetime)
            }
            // Names are unique among keys still in force; a revoked key's name may be reused,
            // so rotating `ci-bot` keeps the principal `key:ci-bot` that policies name.
            try db.execute(sql: "CREATE UNIQUE INDEX api_keys_unrevoked_name ON api_keys(name) WHERE revoked_at IS NULL")
        }
        migrator.registerMigration("v2 delegated_credentials") { db in
            try db.create(table: "delegated_credentials") { t in
                // A principal id (`key:alice`) and a server name: one token per pair.
                t.column("principal", .text).notNull()
                t.column("server", .text).notNull()
                // The token sealed (AES-256-GCM) for this very pair: the plain token is never stored.
                t.column("sealed", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime)
                t.primaryKey(["principal", "server"])
            }
        }
        return migrator
    }
}
