import Foundation
import GRDB
package import SwitchboardGuards
import SwitchboardCore

extension SQLiteStore: ApprovalStore {
    package func approvals(state: ApprovalRecord.State?) throws(StoreError) -> [ApprovalRecord] {
        try perform {
            try writer.read { db in
                let sql = "SELECT * FROM approvals" + (state == nil ? "" : " WHERE state = ?") + " ORDER BY created_at DESC, id"
                return try Row.fetchAll(db, sql: sql, arguments: state.map { [$0.rawValue] } ?? []).map(Self.approvalRecord)
            }
        }
    }

    package func approval(id: String) throws(StoreError) -> ApprovalRecord? {
        try perform {
            try writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM approvals WHERE id = ?", arguments: [id]).map(Self.approvalRecord) }
        }
    }

    package func saveApproval(_ record: ApprovalRecord) throws(StoreError) {
        try perform {
            try writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO approvals (id, principal, server, tool, arguments_digest, summary, rule, session, state, scope, created_at, expires_at,
                            decided_by, reason, decided_at, approvers, via, approved_by)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET state = excluded.state, scope = excluded.scope, expires_at = excluded.expires_at,
                            decided_by = excluded.decided_by, reason = excluded.reason, decided_at = excluded.decided_at
                        """,
                    // `approved_by` is the store's own (`decideApproval`): a gateway's write
                    // of a spend or an expiry never takes an approver back.
                    arguments: [
                        record.id, record.principal, record.server, record.tool, record.argumentsDigest, record.summary, record.rule, record.session,
                        record.state.rawValue, record.scope.rawValue, record.createdAt, record.expiresAt, record.decidedBy, record.reason, record.decidedAt,
                        record.terms.approvers, record.terms.via.rawValue, Self.approverList(record.approvedBy),
                    ]
                )
            }
        }
    }

    package func decideApproval(id: String, approve: Bool, by: String, reason: String, scope: ApprovalRecord.Scope?) throws(StoreError) -> ApprovalRecord {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StoreError(.invalidInput, "a decision needs a reason (it is recorded in the audit trail)")
        }
        let at = now()
        return try perform {
            try writer.write { db -> ApprovalRecord in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM approvals WHERE id = ?", arguments: [id]) else {
                    throw StoreError(.notFound, "no approval \(id) (switchboard approvals list shows the queue)")
                }
                var record = Self.approvalRecord(row)
                guard record.state == .pending else { throw StoreError(.conflict, "approval \(id) is \(record.state.rawValue), not pending") }
                guard record.expiresAt > at else { throw StoreError(.conflict, "approval \(id) expired at \(record.expiresAt)") }
                if approve, record.terms.approvers > 1 {
                    guard !record.isCaller(by) else {
                        throw StoreError(.conflict, "approval \(id) is for \(record.principal)'s own call; its rule needs \(record.terms.approvers) other people")
                    }
                    guard !record.approvedBy.contains(by) else {
                        throw StoreError(.conflict, "approval \(id) was approved by \(by) already; it needs \(record.terms.approvers - record.approvedBy.count) more, from someone else")
                    }
                    record.approvedBy.append(by)
                    if record.approvedBy.count < record.terms.approvers {
                        // Seconded, not yet decided: the request stays pending.
                        try db.execute(sql: "UPDATE approvals SET approved_by = ? WHERE id = ?", arguments: [Self.approverList(record.approvedBy), id])
                        return record
                    }
                } else if approve {
                    record.approvedBy = [by]
                }
                record.state = approve ? .approved : .denied
                if let scope { record.scope = scope }
                record.decidedBy = by
                record.reason = reason
                record.decidedAt = at
                try db.execute(
                    sql: "UPDATE approvals SET state = ?, scope = ?, decided_by = ?, reason = ?, decided_at = ?, approved_by = ? WHERE id = ?",
                    arguments: [record.state.rawValue, record.scope.rawValue, by, reason, at, Self.approverList(record.approvedBy), id]
                )
                return record
            }
        }
    }

    private static func approvalRecord(_ row: Row) -> ApprovalRecord {
        ApprovalRecord(
            id: row["id"], principal: row["principal"], server: row["server"], tool: row["tool"], argumentsDigest: row["arguments_digest"],
            summary: row["summary"], rule: row["rule"], session: row["session"],
            state: ApprovalRecord.State(rawValue: row["state"]) ?? .expired, scope: ApprovalRecord.Scope(rawValue: row["scope"]) ?? .once,
            createdAt: row["created_at"], expiresAt: row["expires_at"], decidedBy: row["decided_by"], reason: row["reason"], decidedAt: row["decided_at"],
            // A count out of range is read as the most approvers, an unknown `via` as the
            // console: a damaged row never lets the caller's client decide.
            terms: ApprovalTerms(
                approvers: min(max(row["approvers"] as Int? ?? ApprovalTerms.maximumApprovers, 1), ApprovalTerms.maximumApprovers),
                via: ApprovalTerms.Via(rawValue: row["via"] ?? "") ?? .console
            ),
            approvedBy: (row["approved_by"] as String? ?? "").split(separator: "\n").map(String.init)
        )
    }

    /// Approvers one per line (names hold no line breaks: `admin:…`, `cli:…`).
    private static func approverList(_ approvers: [String]) -> String {
        approvers.joined(separator: "\n")
    }
}
