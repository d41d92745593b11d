import Foundation
package import SwitchboardAudit
import Synchronization

/// The audit sink on by default: every journal record indexed in the embedded store's
/// `audit_records`, keyed by (journal, seq), so it resumes from the table itself and a batch
/// offered twice is kept once. With `retention`, rows older than that are deleted (at most
/// once an hour, when the sink has nothing to do); the journal keeps its own.
package final class AuditStoreSink: AuditSink {
    package let name = "store"
    private let store: SQLiteStore
    private let journal: String
    private let retention: Duration?
    private let lastPrune = Mutex<ContinuousClock.Instant?>(nil)

    package init(store: SQLiteStore, journal: String, retention: Duration?) {
        self.store = store
        self.journal = journal
        self.retention = retention
    }

    package func heldCursor() throws -> UInt64? {
        try store.auditCursor(journal: journal)
    }

    /// Every record but `call.begin`: its `call.end` repeats all it says (and a call the
    /// gateway died in gets its end when the journal is repaired), so the index holds one row
    /// per call and searches find each call once; the journal keeps both.
    package func deliver(_ entries: [AuditEntry]) throws {
        try store.insertAudit(entries.filter { $0.event != Self.skipped }, journal: journal, through: entries.last?.seq)
    }

    static let skipped = "call.begin"

    package func idle() throws {
        guard let retention else { return }
        let now = ContinuousClock.now
        let due = lastPrune.withLock { last in
            guard last.map({ now - $0 >= .seconds(3600) }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return }
        let seconds = Double(retention.components.seconds)
        _ = try store.pruneAudit(before: AuditTime.rfc3339(Int64((Date().timeIntervalSince1970 - seconds) * 1_000_000)))
    }
}
