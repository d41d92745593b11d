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
        migrator.registerMigration("v3 store_generation") { db in
            // Moves on every change the gateway must reload (keys, delegated tokens) and on no
            // other (key last-use times, audit rows), whichever process or connection wrote it:
            // the pollers compare it, where `PRAGMA data_version` would move on every audit
            // insert too.
            try db.execute(sql: "CREATE TABLE store_generation (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)")
            try db.execute(sql: "INSERT INTO store_generation (id, value) VALUES (1, 0)")
            let bump = "BEGIN UPDATE store_generation SET value = value + 1 WHERE id = 1; END"
            try db.execute(sql: "CREATE TRIGGER api_keys_inserted AFTER INSERT ON api_keys \(bump)")
            try db.execute(sql: "CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys \(bump)")
            try db.execute(sql: "CREATE TRIGGER api_keys_updated AFTER UPDATE OF name, digest, roles, tenant, virtual_servers, expires_at, revoked_at ON api_keys \(bump)")
            try db.execute(sql: "CREATE TRIGGER delegated_inserted AFTER INSERT ON delegated_credentials \(bump)")
            try db.execute(sql: "CREATE TRIGGER delegated_deleted AFTER DELETE ON delegated_credentials \(bump)")
            try db.execute(sql: "CREATE TRIGGER delegated_updated AFTER UPDATE ON delegated_credentials \(bump)")
        }
        migrator.registerMigration("v4 audit_records") { db in
            // The audit trail's index: one row per journal record, copied by the store sink.
            // The journal stays the record of truth (its chain is checked there); this is what
            // `audit query` and the admin API search.
            try db.create(table: "audit_records") { t in
                // `journal.id` of the journal the record is from, and its seq there.
                t.column("journal", .text).notNull()
                t.column("seq", .integer).notNull()
                // RFC 3339 UTC with microseconds: text order is time order.
                t.column("time", .text).notNull()
                t.column("event", .text).notNull()
                t.column("call_id", .text)
                t.column("session", .text)
                t.column("principal", .text)
                t.column("tenant", .text)
                t.column("virtual_server", .text)
                t.column("server", .text)
                t.column("tool", .text)
                t.column("method", .text)
                t.column("decision", .text)
                t.column("rule", .text)
                t.column("outcome", .text)
                t.column("latency_us", .integer)
                t.column("trace_id", .text)
                t.column("hash", .text).notNull()
                // The journal line, byte for byte.
                t.column("record", .text).notNull()
                t.primaryKey(["journal", "seq"])
            }
            try db.execute(sql: "CREATE INDEX audit_records_time ON audit_records(time)")
            try db.execute(sql: "CREATE INDEX audit_records_principal ON audit_records(principal, time)")
            try db.execute(sql: "CREATE INDEX audit_records_tool ON audit_records(server, tool, time)")
            // Where the index stands for each journal, kept apart from the rows so that
            // retention deleting them all does not send the sink back to the journal's start.
            try db.create(table: "audit_cursors") { t in
                t.primaryKey("journal", .text)
                t.column("seq", .integer).notNull()
            }
            // Rows are never changed; only retention deletes them.
            try db.execute(sql: "CREATE TRIGGER audit_records_append_only BEFORE UPDATE ON audit_records BEGIN SELECT RAISE(ABORT, 'audit records are never changed'); END")
        }
        migrator.registerMigration("v5 guard_pins") { db in
            // One row per tool (or server instructions) the guards have seen: the definition
            // last seen and the one approved, as canonical JSON with their SHA-256, and the
            // scanner's findings on the one seen.
            try db.create(table: "guard_pins") { t in
                t.column("server", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("state", .text).notNull()
                t.column("seen_hash", .text).notNull()
                t.column("seen_definition", .text).notNull()
                t.column("approved_hash", .text)
                t.column("approved_definition", .text)
                t.column("verdict", .text).notNull()
                // JSON array of findings.
                t.column("findings", .text).notNull().defaults(to: "[]")
                t.column("decided_by", .text)
                t.column("reason", .text)
                t.column("removed", .boolean).notNull().defaults(to: false)
                t.column("first_seen_at", .datetime).notNull()
                t.column("changed_at", .datetime).notNull()
                t.primaryKey(["server", "kind", "name"])
            }
            // A finding an operator let through for one tool, with who and why.
            try db.create(table: "guard_accepted") { t in
                t.column("server", .text).notNull()
                t.column("name", .text).notNull()
                t.column("rule", .text).notNull()
                t.column("accepted_by", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("accepted_at", .datetime).notNull()
                t.primaryKey(["server", "name", "rule"])
            }
            // Decisions move the generation, so a running gateway picks up an approval made
            // with the CLI; the gateway's own writes of what it saw do not need to.
            let bump = "BEGIN UPDATE store_generation SET value = value + 1 WHERE id = 1; END"
            try db.execute(sql: "CREATE TRIGGER guard_pins_decided AFTER UPDATE OF state, approved_hash ON guard_pins \(bump)")
            try db.execute(sql: "CREATE TRIGGER guard_pins_deleted AFTER DELETE ON guard_pins \(bump)")
            try db.execute(sql: "CREATE TRIGGER guard_accepted_inserted AFTER INSERT ON guard_accepted \(bump)")
            try db.execute(sql: "CREATE TRIGGER guard_accepted_deleted AFTER DELETE ON guard_accepted \(bump)")
        }
        migrator.registerMigration("v6 approvals") { db in
            // The human approval queue: a call a policy held back, bound to who asked, the
            // tool and a digest of its arguments, and what was decided, by whom and why.
            try db.create(table: "approvals") { t in
                t.primaryKey("id", .text)
                t.column("principal", .text).notNull()
                t.column("server", .text).notNull()
                t.column("tool", .text).notNull()
                t.column("arguments_digest", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("rule", .text)
                t.column("session", .text)
                t.column("state", .text).notNull()
                t.column("scope", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
                t.column("decided_by", .text)
                t.column("reason", .text)
                t.column("decided_at", .datetime)
            }
            try db.create(index: "approvals_by_state", on: "approvals", columns: ["state", "created_at"])
            // A decision (approved, denied) moves the generation: a running gateway sees it
            // within its next poll. Its own requests and spends do not need to.
            let bump = "BEGIN UPDATE store_generation SET value = value + 1 WHERE id = 1; END"
            try db.execute(sql: "CREATE TRIGGER approvals_decided AFTER UPDATE OF decided_at ON approvals \(bump)")
        }
        migrator.registerMigration("v7 approval_terms") { db in
            // Who decides (`policy.rules[].approval`), and who approved so far: a two-person
            // rule's first approval leaves the request pending. Rows from before hold one
            // approver, asked in the client.
            try db.alter(table: "approvals") { t in
                t.add(column: "approvers", .integer).notNull().defaults(to: 1)
                t.add(column: "via", .text).notNull().defaults(to: "client")
                t.add(column: "approved_by", .text).notNull().defaults(to: "")
            }
            let bump = "BEGIN UPDATE store_generation SET value = value + 1 WHERE id = 1; END"
            try db.execute(sql: "CREATE TRIGGER approvals_seconded AFTER UPDATE OF approved_by ON approvals \(bump)")
        }
        migrator.registerMigration("v8 seal_keys") { db in
            // The session seal keys when the config names none: made at the first start, so
            // sessions survive a restart and open on every process that shares the store.
            try db.create(table: "seal_keys") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("secret", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
        }
        return migrator
    }
}
