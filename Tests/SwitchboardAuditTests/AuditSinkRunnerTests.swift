import Foundation
import Logging
import SwitchboardAudit
import Synchronization
import Testing

/// The runner between the journal and a sink, one round at a time: a sink that fails is
/// offered the same batch until it takes it (nothing lost, nothing out of order), the cursor
/// is kept in its file, and a new runner resumes after it.
@Suite struct AuditSinkRunnerTests {
    /// A sink that keeps what it is given, and refuses while `failing` is above zero.
    final class KeepingSink: AuditSink {
        let name = "keeping"
        let received = Mutex<[UInt64]>([])
        let failing = Mutex(0)

        func deliver(_ entries: [AuditEntry]) throws {
            try failing.withLock { count throws(AuditFailure) in
                if count > 0 {
                    count -= 1
                    throw AuditFailure("receiver down")
                }
            }
            received.withLock { $0 += entries.map(\.seq) }
        }
    }

    @Test func aFailingSinkGetsTheSameBatchAgainAndLosesNothing() throws {
        let folder = AuditJournalTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try AuditJournal(.init(directory: folder))
        for n in 1...7 { try journal.append(AuditJournalTests.call(.callBegin, id: "c\(n)")) }
        let sink = KeepingSink()
        sink.failing.withLock { $0 = 2 }
        let runner = AuditSinkRunner(sink: sink, directory: folder, head: { journal.lastSeq }, logger: Logger(label: "test"), options: .init(batch: 5))
        #expect(runner.pass() == .failed("receiver down"))
        #expect(runner.status.lag == 8 && runner.status.failures == 1 && runner.status.lastError == "receiver down")
        #expect(runner.pass() == .failed("receiver down"))
        #expect(runner.pass() == .delivered(5))
        #expect(runner.pass() == .delivered(3))
        #expect(runner.pass() == .idle)
        #expect(sink.received.withLock { $0 } == Array(1...8))
        #expect(runner.status.cursor == 8 && runner.status.lag == 0 && runner.status.lastError == nil && runner.status.delivered == 8)
        // The cursor file is written at most once a second, and on stop.
        #expect(try AuditCursorFile(journal: folder, sink: "keeping").read() == 5)
        runner.stop()
        #expect(try AuditCursorFile(journal: folder, sink: "keeping").read() == 8)

        // After a restart: a new runner resumes after the cursor file's seq.
        try journal.append(AuditJournalTests.call(.callEnd, id: "c1"))
        journal.close()
        let again = KeepingSink()
        let resumed = AuditSinkRunner(sink: again, directory: folder, head: { journal.lastSeq }, logger: Logger(label: "test"))
        #expect(resumed.pass() == .delivered(2))
        #expect(again.received.withLock { $0 } == [9, 10])
    }

    @Test func aDamagedCursorFileIsAnErrorNamingIt() throws {
        let folder = AuditJournalTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cursor = AuditCursorFile(journal: folder, sink: "siem")
        try cursor.write(42)
        #expect(try cursor.read() == 42)
        try Data("forty-two".utf8).write(to: URL(fileURLWithPath: cursor.path))
        #expect(throws: AuditFailure.self) { try cursor.read() }
        #expect(AuditCursorFile(journal: folder, sink: "new").path.hasSuffix("/cursors/new"))
        #expect(try AuditCursorFile(journal: folder, sink: "new").read() == 0)
    }

    @Test func startAndStopDeliverEverythingWrittenBeforeTheStop() throws {
        let folder = AuditJournalTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try AuditJournal(.init(directory: folder))
        let sink = KeepingSink()
        let runner = AuditSinkRunner(
            sink: sink, directory: folder, head: { journal.lastSeq }, logger: Logger(label: "test"), options: .init(pollInterval: .seconds(60))
        )
        runner.start()
        for n in 1...20 { try journal.append(AuditJournalTests.call(.callBegin, id: "c\(n)")) }
        journal.close()
        // The poll interval is a minute: only the stop's last rounds can have read these.
        runner.stop()
        #expect(sink.received.withLock { $0 } == Array(1...22))
    }
}
