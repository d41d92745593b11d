import Foundation
import GRDB
import SwitchboardAudit
import Testing
@testable import SwitchboardStore
import SwitchboardIdentity

/// The audit trail's index in the store: filled by the store sink from a real journal,
/// searched by field and time, never changed, pruned by age; and its writes do not make the
/// key pollers reload.
@Suite struct AuditIndexTests {
    static func entry(seq: UInt64, _ fields: String) -> AuditEntry {
        AuditEntry(line: ArraySlice(#"{"seq":\#(seq),\#(fields),"prev":"AAAA","hash":"H\#(seq)"}"#.utf8))!
    }

    static let entries: [AuditEntry] = [
        entry(seq: 1, #""time":"2026-12-06T10:00:00.000000Z","event":"audit.opened""#),
        entry(seq: 2, #""time":"2026-12-06T10:00:01.000000Z","event":"call.begin","principal":"key:ci","server":"github","tool":"github__create_issue","method":"tools/call","decision":"allow""#),
        entry(seq: 3, #""time":"2026-12-06T10:00:02.000000Z","event":"call.end","principal":"key:ci","server":"github","tool":"github__create_issue","method":"tools/call","decision":"allow","outcome":"tool_error","latency_us":812"#),
        entry(seq: 4, #""time":"2026-12-06T11:00:00.000000Z","event":"call.refused","principal":"jwt:alice","tool":"github__delete_repo","decision":"deny","outcome":"-32003""#),
    ]

    @Test func insertsOnceQueriesAndPrunes() throws {
        let store = try SQLiteStore(url: "sqlite::memory:")
        #expect(try store.auditCursor(journal: "j1") == 0)
        try store.insertAudit(Array(Self.entries.prefix(3)), journal: "j1")
        // Offered again after a crash, with one more: kept once.
        try store.insertAudit(Self.entries, journal: "j1")
        try store.insertAudit([Self.entries[0]], journal: "j2")
        #expect(try store.auditCursor(journal: "j1") == 4)
        #expect(try store.auditCursor(journal: "j2") == 1)

        #expect(try store.queryAudit(AuditFilter(fields: ["principal": "key:ci"]), limit: 10).map(\.seq) == [2, 3])
        #expect(try store.queryAudit(AuditFilter(fields: ["outcome": "error"]), limit: 10).map(\.seq) == [3, 4])
        #expect(try store.queryAudit(AuditFilter(fields: ["tool": "github__delete_repo", "decision": "deny"]), limit: 10).map(\.seq) == [4])
        #expect(try store.queryAudit(AuditFilter(since: "2026-12-06T10:00:01.000000Z", until: "2026-12-06T11:00:00.000000Z"), limit: 10).map(\.seq) == [2, 3])
        let newest = try store.queryAudit(AuditFilter(), limit: 2)
        #expect(newest.map(\.seq) == [3, 4], "the newest, oldest first")
        #expect(newest[1].record == Self.entries[3].text, "the line as the journal holds it")
        #expect(throws: StoreError.self) { try store.queryAudit(AuditFilter(fields: ["record": "x"]), limit: 1) }

        #expect(try store.pruneAudit(before: "2026-12-06T10:00:02.000000Z") == 3)
        #expect(try store.queryAudit(AuditFilter(), limit: 10).map(\.seq) == [3, 4])
    }

    @Test func rowsCannotBeChanged() throws {
        let store = try SQLiteStore(url: "sqlite::memory:")
        try store.insertAudit(Self.entries, journal: "j1")
        #expect(throws: (any Error).self) {
            try store.writer.write { db in try db.execute(sql: "UPDATE audit_records SET outcome = 'ok' WHERE seq = 4") }
        }
        #expect(try store.queryAudit(AuditFilter(fields: ["outcome": "-32003"]), limit: 10).map(\.seq) == [4])
    }

    @Test func auditRowsAndLastUseDoNotMoveTheChangeToken() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let store = try SQLiteStore(url: "sqlite:" + folder.file("switchboard.db"))
        let key = try store.createKey(name: "ci", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil)
        let token = try store.changeToken()
        try store.insertAudit(Self.entries, journal: "j1")
        try store.recordKeyUses([key.record.id: Date()])
        #expect(try store.changeToken() == token)
        _ = try store.revokeKey(nameOrID: "ci")
        #expect(try store.changeToken() != token)
    }

    @Test func theStoreSinkResumesFromItsOwnTable() throws {
        let folder = NSTemporaryDirectory() + "switchboard-audit-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try AuditJournal(.init(directory: folder))
        for _ in 1...3 { try journal.append(AuditRecord(event: .configReloaded)) }
        journal.close()
        let store = try SQLiteStore(url: "sqlite::memory:")
        try store.insertAudit([Self.entries[0]], journal: "me")
        let sink = AuditStoreSink(store: store, journal: "me", retention: nil)
        #expect(try sink.heldCursor() == 1)
        let reader = AuditReader(directory: folder, after: 1)
        try sink.deliver(try reader.next(limit: 100))
        #expect(try store.queryAudit(AuditFilter(fields: ["event": "config.reloaded"]), limit: 10).map(\.seq) == [2, 3, 4])
        #expect(try store.auditCursor(journal: "me") == 5)
    }
}
