import Foundation
import GRDB
package import SwitchboardGuards

extension SQLiteStore: PinStore {
    package func pins(server: String?) throws(StoreError) -> [PinRecord] {
        try perform {
            try writer.read { db in
                let sql = "SELECT * FROM guard_pins" + (server == nil ? "" : " WHERE server = ?") + " ORDER BY server, kind, name"
                return try Row.fetchAll(db, sql: sql, arguments: server.map { [$0] } ?? []).map(Self.pinRecord)
            }
        }
    }

    package func pin(server: String, kind: PinRecord.Kind, name: String) throws(StoreError) -> PinRecord? {
        try perform {
            try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM guard_pins WHERE server = ? AND kind = ? AND name = ?", arguments: [server, kind.rawValue, name])
                    .map(Self.pinRecord)
            }
        }
    }

    package func savePin(_ record: PinRecord) throws(StoreError) {
        let findings = String(decoding: (try? JSONEncoder().encode(record.findings)) ?? Data("[]".utf8), as: UTF8.self)
        let at = now()
        try perform {
            try writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO guard_pins (server, kind, name, state, seen_hash, seen_definition, approved_hash, approved_definition, verdict, findings,
                            decided_by, reason, removed, first_seen_at, changed_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (server, kind, name) DO UPDATE SET state = excluded.state, seen_hash = excluded.seen_hash,
                            seen_definition = excluded.seen_definition, approved_hash = excluded.approved_hash, approved_definition = excluded.approved_definition,
                            verdict = excluded.verdict, findings = excluded.findings, decided_by = excluded.decided_by, reason = excluded.reason,
                            removed = excluded.removed, changed_at = excluded.changed_at
                        """,
                    arguments: [
                        record.server, record.kind.rawValue, record.name, record.state.rawValue, record.seen.hash, record.seen.canonical, record.approved?.hash,
                        record.approved?.canonical, record.verdict.rawValue, findings, record.decidedBy, record.reason, record.removed, at, at,
                    ]
                )
            }
        }
    }

    package func markRemoved(server: String, kind: PinRecord.Kind, listed: Set<String>) throws(StoreError) -> Int {
        try perform {
            try writer.write { db -> Int in
                let names = try String.fetchAll(db, sql: "SELECT name FROM guard_pins WHERE server = ? AND kind = ? AND removed = 0", arguments: [server, kind.rawValue])
                var marked = 0
                for name in names where !listed.contains(name) {
                    try db.execute(sql: "UPDATE guard_pins SET removed = 1, changed_at = ? WHERE server = ? AND kind = ? AND name = ?",
                                   arguments: [now(), server, kind.rawValue, name])
                    marked += 1
                }
                return marked
            }
        }
    }

    package func acceptedFindings() throws(StoreError) -> [AcceptedFindingRecord] {
        try perform {
            try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM guard_accepted ORDER BY server, name, rule").map { row in
                    AcceptedFindingRecord(server: row["server"], name: row["name"], rule: row["rule"], acceptedBy: row["accepted_by"], reason: row["reason"],
                                          acceptedAt: row["accepted_at"])
                }
            }
        }
    }

    package func accept(_ finding: AcceptedFindingRecord) throws(StoreError) {
        guard !finding.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StoreError(.invalidInput, "accepting a finding needs a reason (it is recorded in the audit trail)")
        }
        try perform {
            try writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO guard_accepted (server, name, rule, accepted_by, reason, accepted_at) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (server, name, rule) DO UPDATE SET accepted_by = excluded.accepted_by, reason = excluded.reason, accepted_at = excluded.accepted_at
                        """,
                    arguments: [finding.server, finding.name, finding.rule, finding.acceptedBy, finding.reason, finding.acceptedAt]
                )
            }
        }
    }

    package func revokeAcceptance(server: String, name: String, rule: String) throws(StoreError) -> Bool {
        try perform {
            try writer.write { db -> Bool in
                try db.execute(sql: "DELETE FROM guard_accepted WHERE server = ? AND name = ? AND rule = ?", arguments: [server, name, rule])
                return db.changesCount > 0
            }
        }
    }

    /// A row as a record; a row whose kind, state or verdict this version does not know is
    /// refused naming the pin rather than read as something else.
    private static func pinRecord(_ row: Row) throws -> PinRecord {
        let server: String = row["server"]
        let name: String = row["name"]
        guard let kind = PinRecord.Kind(rawValue: row["kind"]), let state = PinRecord.State(rawValue: row["state"]),
            let verdict = GuardVerdict(rawValue: row["verdict"])
        else {
            throw StoreError(.unavailable, "the stored pin \(server)/\(name) has an unknown kind, state or verdict (a newer version wrote it?)")
        }
        let findingsText: String = row["findings"]
        guard let findings = try? JSONDecoder().decode([GuardFinding].self, from: Data(findingsText.utf8)) else {
            throw StoreError(.unavailable, "the stored pin \(server)/\(name) has findings that are not readable")
        }
        let approvedHash: String? = row["approved_hash"]
        let approvedDefinition: String? = row["approved_definition"]
        return PinRecord(
            server: server, kind: kind, name: name, state: state,
            seen: DefinitionPin(stored: row["seen_hash"], canonical: row["seen_definition"]),
            approved: approvedHash.flatMap { hash in approvedDefinition.map { DefinitionPin(stored: hash, canonical: $0) } },
            verdict: verdict, findings: findings, decidedBy: row["decided_by"], reason: row["reason"], removed: row["removed"]
        )
    }
}
