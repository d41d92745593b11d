import Foundation
import Logging
import SwitchboardAudit
import SwitchboardDataPlane
import Synchronization
import Testing

/// Refusals before any caller is known reach the trail at most once a second per reason, the
/// rest folded into the next record's count; driven by a clock of the test's own.
@Suite struct RefusalRecorderTests {
    @Test func onePerSecondPerReasonTheRestFolded() throws {
        let folder = NSTemporaryDirectory() + "switchboard-refusals-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try AuditJournal(.init(directory: folder))
        let audit = CallAudit(journal: journal, digester: AuditDigester(key: Array(repeating: 1, count: 32)), failClosed: true, logger: Logger(label: "test"))
        let clock = Atomic<UInt64>(5_000_000_000)
        let recorder = RefusalRecorder(audit: audit, now: { clock.load(ordering: .relaxed) })
        for _ in 0..<50 { recorder.refused(reason: "unknown_key", status: 401, request: "POST /mcp", from: "10.0.0.5") }
        recorder.refused(reason: "origin", status: 403, request: "POST /mcp", from: "10.0.0.6")
        clock.store(5_999_999_999, ordering: .relaxed)
        recorder.refused(reason: "unknown_key", status: 401, request: "POST /mcp", from: "10.0.0.5")
        clock.store(6_000_000_000, ordering: .relaxed)
        recorder.refused(reason: "unknown_key", status: 401, request: "GET /mcp", from: nil)
        journal.close()
        let refused = try AuditReader(directory: folder, after: 0).next(limit: 100).filter { $0.event == "request.refused" }
        #expect(refused.count == 3)
        #expect(refused[0]["detail"] == "unknown_key from 10.0.0.5" && refused[0]["outcome"] == "401" && refused[0]["method"] == "POST /mcp")
        #expect(refused[1]["detail"] == "origin from 10.0.0.6" && refused[1]["outcome"] == "403")
        #expect(refused[2]["detail"] == "unknown_key; 50 more with this reason in the second before, not recorded one by one")
        #expect(refused[2]["method"] == "GET /mcp")
    }
}
