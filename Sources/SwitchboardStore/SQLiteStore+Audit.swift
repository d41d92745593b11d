package import SwitchboardAudit
import GRDB
import SwitchboardCore

/// A record as the store's index holds it: which journal, its seq there, its line.
package struct StoredAuditRecord: Sendable, Equatable {
    package let journal: String
    package let seq: UInt64
    package let record: String
}

extension SQLiteStore {
    /// The seq of the last record of `journal` the index has taken (0: none yet).
    package func auditCursor(journal: String) throws(StoreError) -> UInt64 {
        try perform {
            try writer.read { db in
                UInt64(try Int64.fetchOne(db, sql: "SELECT seq FROM audit_cursors WHERE journal = ?", arguments: [journal]) ?? 0)
            }
        }
    }

    /// Adds `entries` of `journal` in one transaction, and moves its cursor to `through`
    /// (the last seq the batch covered, records left out of the index included); a record
    /// already there (a batch offered again after a crash) is left as it is.
    package func insertAudit(_ entries: [AuditEntry], journal: String, through: UInt64? = nil) throws(StoreError) {
        guard let last = through ?? entries.last?.seq else { return }
        try perform {
            try writer.write { db in
                try db.execute(
                    sql: "INSERT INTO audit_cursors (journal, seq) VALUES (?, ?) ON CONFLICT (journal) DO UPDATE SET seq = MAX(seq, excluded.seq)",
                    arguments: [journal, Int64(last)]
                )
                let statement = try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO audit_records (journal, seq, time, event, call_id, session, principal, tenant, virtual_server,
                        server, tool, method, decision, rule, outcome, latency_us, trace_id, hash, record)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for entry in entries {
                    let f = entry.values(of: Self.auditColumns)
                    try statement.execute(arguments: [
                        journal, Int64(entry.seq), entry.time ?? "", entry.event ?? "", f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9],
                        f[10], f[11].flatMap { Int64($0) }, f[12], f[13] ?? "", entry.text,
                    ])
                }
            }
        }
    }

    /// The newest `limit` records that match `filter`, oldest first.
    package func queryAudit(_ filter: AuditFilter, limit: Int) throws(StoreError) -> [StoredAuditRecord] {
        var clauses: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let since = filter.since {
            clauses.append("time >= ?")
            arguments.append(since)
        }
        if let until = filter.until {
            clauses.append("time < ?")
            arguments.append(until)
        }
        for (name, value) in filter.fields.sorted(by: { $0.key < $1.key }) {
            guard AuditFilter.fieldNames.contains(name) else { throw StoreError(.invalidInput, "audit records cannot be filtered by \(name)") }
            if name == "outcome", value == "error" {
                clauses.append("outcome IS NOT NULL AND outcome != 'ok'")
            } else {
                clauses.append("\(name) = ?")
                arguments.append(value)
            }
        }
        let condition = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments.append(max(0, limit))
        let sql = "SELECT journal, seq, record FROM audit_records \(condition) ORDER BY time DESC, seq DESC LIMIT ?"
        return try perform {
            try writer.read { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                    StoredAuditRecord(journal: row["journal"], seq: UInt64(row["seq"] as Int64), record: row["record"])
                }
            }
        }.reversed()
    }

    /// The record fields the index has a column for, in the insert's order after time and event.
    static let auditColumns = JSONKeySet([
        "id", "session", "principal", "tenant", "virtual_server", "server", "tool", "method", "decision", "rule", "outcome", "latency_us",
        "trace_id", "hash",
    ])

    /// Deletes the records older than `time` (RFC 3339, as records carry it); how many.
    package func pruneAudit(before time: String) throws(StoreError) -> Int {
        try perform {
            try writer.write { db in
                try db.execute(sql: "DELETE FROM audit_records WHERE time < ?", arguments: [time])
                return db.changesCount
            }
        }
    }
}
