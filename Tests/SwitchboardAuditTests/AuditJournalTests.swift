import Foundation
import NIOCore
import SwitchboardAudit
import Synchronization
import Testing

/// The journal on a real folder: lines chained as written, a trail reopened after a crash
/// (torn line cut, open calls closed), rotation, and `verify` naming the first record a
/// changed, removed or swapped line breaks.
@Suite struct AuditJournalTests {
    static func folder() -> String {
        let path = NSTemporaryDirectory() + "switchboard-audit-" + UUID().uuidString
        return path
    }

    static func call(_ event: AuditEvent, id: String) -> AuditRecord {
        var record = AuditRecord(event: event)
        record.id = id
        record.requestID = "7"
        record.principal = "key:ci"
        record.server = "github"
        record.tool = "github__create_issue"
        record.method = "tools/call"
        if event == .callEnd { record.outcome = "ok" }
        return record
    }

    static func lines(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jsonl") }.sorted().flatMap { name in
            try String(contentsOfFile: folder + "/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
        }
    }

    @Test(arguments: [true, false])
    func recordsAreChainedAndVerify(mapped: Bool) throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try AuditJournal(.init(directory: folder, mapped: mapped))
        #expect(try journal.append(Self.call(.callBegin, id: "c1")) == 2, "audit.opened is record 1")
        try journal.append(Self.call(.callEnd, id: "c1"))
        journal.close()

        let lines = try Self.lines(folder)
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix(#"{"seq":2,"time":""#))
        #expect(lines[1].contains(#""event":"call.begin","id":"c1","request_id":7,"principal":"key:ci","server":"github","tool":"github__create_issue","method":"tools/call","prev":""#))
        #expect(lines[3].contains(#""event":"audit.closed""#))
        let report = try AuditVerifier.verify(directory: folder)
        #expect(report.holds, "\(String(describing: report.problem))")
        #expect(report.records == 4 && report.lastSeq == 4)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
    }

    @Test func verifyNamesTheFirstChangedRemovedOrSwappedRecord() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try AuditJournal(.init(directory: folder))
        for n in 1...5 { try journal.append(Self.call(.callBegin, id: "c\(n)")) }
        journal.close()
        let file = folder + "/" + AuditSegments.name(firstSeq: 1)
        let original = try String(contentsOfFile: file, encoding: .utf8)
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

        // One byte of record 3 changed.
        var changed = lines
        changed[2] = changed[2].replacingOccurrences(of: "key:ci", with: "key:cj")
        try changed.joined(separator: "\n").write(toFile: file, atomically: false, encoding: .utf8)
        var problem = try #require(try AuditVerifier.verify(directory: folder).problem)
        #expect(problem.seq == 3 && problem.line == 3, "\(problem)")
        #expect(problem.reason.contains("do not match its hash"))

        // Record 4 removed.
        var removed = lines
        removed.remove(at: 3)
        try removed.joined(separator: "\n").write(toFile: file, atomically: false, encoding: .utf8)
        problem = try #require(try AuditVerifier.verify(directory: folder).problem)
        #expect(problem.seq == 4 && problem.reason.contains("missing"), "\(problem)")

        // Records 2 and 3 swapped.
        lines.swapAt(1, 2)
        try lines.joined(separator: "\n").write(toFile: file, atomically: false, encoding: .utf8)
        problem = try #require(try AuditVerifier.verify(directory: folder).problem)
        #expect(problem.seq == 2 && problem.line == 2, "\(problem)")
    }

    @Test func aCrashedTrailIsRepairedAndItsOpenCallsClosed() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try AuditJournal(.init(directory: folder))
        try journal.append(Self.call(.callBegin, id: "c1"))
        try journal.append(Self.call(.callBegin, id: "c2"))
        try journal.append(Self.call(.callEnd, id: "c2"))
        journal.close()
        // As a crash leaves it: no audit.closed, c1 begun and never ended, a torn last write.
        let file = folder + "/" + AuditSegments.name(firstSeq: 1)
        let kept = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").dropLast().joined(separator: "\n") + "\n"
        try kept.write(toFile: file, atomically: false, encoding: .utf8)
        let handle = try #require(FileHandle(forWritingAtPath: file))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":5,"time":"2026-"#.utf8))  // a torn write
        try handle.close()

        let reopened = try AuditJournal(.init(directory: folder))
        reopened.close()
        let lines = try Self.lines(folder)
        #expect(lines.count == 8, "\(lines)")
        #expect(lines[4].contains(#""event":"audit.recovered""#) && lines[4].contains("22 torn byte(s) cut, 1 call(s) closed"), "\(lines[4])")
        #expect(lines[5].contains(#""event":"call.end","id":"c1","request_id":7"#) && lines[5].contains(#""outcome":"gateway_crash""#), "\(lines[5])")
        #expect(lines[6].contains(#""event":"audit.opened""#))
        #expect(try AuditVerifier.verify(directory: folder).holds)
    }

    @Test func aCallBegunInAnEarlierSegmentIsClosedAfterACrash() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try AuditJournal(.init(directory: folder, segmentBytes: 600))
        try journal.append(Self.call(.callBegin, id: "long"))
        for n in 1...6 {
            try journal.append(Self.call(.callBegin, id: "c\(n)"))
            try journal.append(Self.call(.callEnd, id: "c\(n)"))
        }
        journal.close()
        #expect(try AuditSegments.list(folder).count >= 3, "the begin must be segments back")
        // As a crash leaves it: the closing records never written.
        let segments = try AuditSegments.list(folder)
        let newest = folder + "/" + segments.last!
        let text = try String(contentsOfFile: newest, encoding: .utf8)
        let kept = text.split(separator: "\n").filter { !$0.contains("audit.closed") && !$0.contains("audit.checkpoint") }
        try (kept.joined(separator: "\n") + (kept.isEmpty ? "" : "\n")).write(toFile: newest, atomically: false, encoding: .utf8)

        let reopened = try AuditJournal(.init(directory: folder, segmentBytes: 600))
        reopened.close()
        let lines = try Self.lines(folder)
        let crashEnds = lines.filter { $0.contains(#""outcome":"gateway_crash""#) }
        #expect(crashEnds.count == 1 && crashEnds[0].contains(#""id":"long""#), "\(crashEnds)")
    }

    @Test(arguments: [true, false])
    func segmentsRotateAndTheChainCrossesThem(mapped: Bool) throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try AuditJournal(.init(directory: folder, segmentBytes: 600, mapped: mapped))
        for n in 1...10 { try journal.append(Self.call(.callBegin, id: "c\(n)")) }
        journal.close()
        let segments = try AuditSegments.list(folder)
        #expect(segments.count > 2, "\(segments)")
        let report = try AuditVerifier.verify(directory: folder)
        #expect(report.holds && report.records == 12 && report.segments == segments.count, "\(report)")
        // A restart goes on after the last segment's last record.
        let again = try AuditJournal(.init(directory: folder, segmentBytes: 600, mapped: mapped))
        #expect(again.lastSeq == 13, "audit.opened follows record 12")
        again.close()
        #expect(try AuditVerifier.verify(directory: folder).holds)
    }

    /// The segment being written is reserved at its full size and mapped: readers see its
    /// records and stop at the zeros after them (as after a crash); closing cuts the zeros. A
    /// record larger than what is left of a segment starts the next, however large.
    @Test func aMappedSegmentIsReservedAndCutOnClose() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try AuditJournal(.init(directory: folder, segmentBytes: 64 << 10))
        for n in 1...3 {
            try journal.append(Self.call(.callBegin, id: "c\(n)"))
            journal.sync()  // and faults in the pages ahead
        }
        let first = folder + "/" + AuditSegments.name(firstSeq: 1)
        let size = { (path: String) in (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1 }
        #expect(try size(first) == 64 << 10, "reserved while written")
        let open = try #require(try AuditSegments.contents(of: first))
        #expect(AuditSegments.lines(open).map(\.terminated) == [true, true, true, true])
        #expect(try AuditVerifier.verify(directory: folder).holds)

        var huge = Self.call(.callBegin, id: "huge")
        huge.tool = String(repeating: "t", count: 100 << 10)
        try journal.append(huge)
        try journal.append(Self.call(.callEnd, id: "huge"))
        journal.close()
        let segments = try AuditSegments.list(folder)
        // The huge record alone in a segment of its own, then the rest in the next.
        #expect(segments.count == 3, "\(segments)")
        #expect(try size(first) == open.count, "cut to its records on rotation")
        let second = try #require(try AuditSegments.contents(of: folder + "/" + segments[1]))
        #expect(try size(folder + "/" + segments[1]) == second.count, "cut on rotation")
        #expect(second.count > 100 << 10 && AuditSegments.lines(second).count == 1)
        let third = try #require(try AuditSegments.contents(of: folder + "/" + segments[2]))
        #expect(try size(folder + "/" + segments[2]) == third.count, "cut on close")
        let report = try AuditVerifier.verify(directory: folder)
        #expect(report.holds && report.records == 7, "\(report)")
    }

    /// Checkpoints sign the record before them. A trail rewritten from some record on with
    /// every hash recomputed still chains, but its checkpoints no longer hold; an unknown key
    /// is refused; without keys they are counted as unchecked.
    @Test func checkpointsAnchorTheTrail() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let signer = try AuditSigner(seed: Array(repeating: 7, count: 32))
        let trusted = try AuditTrustedKeys(parsing: "\(signer.keyID) \(signer.publicKey)\n", source: "test")
        let journal = try AuditJournal(.init(directory: folder, signer: signer, checkpointInterval: .seconds(3600)))
        for n in 1...3 { try journal.append(Self.call(.callBegin, id: "c\(n)")) }
        try journal.checkpoint()
        try journal.checkpoint()  // nothing new to sign: no second record
        try journal.append(Self.call(.callEnd, id: "c1"))
        journal.close()  // signs the end before audit.closed

        var report = try AuditVerifier.verify(directory: folder, trusted: trusted)
        #expect(report.holds && report.checkpoints == 2, "\(report)")
        #expect(report.lastSignedSeq == report.lastSeq - 2, "the last checkpoint, then audit.closed")
        #expect(try Self.lines(folder).filter { $0.contains(#""event":"audit.checkpoint""#) }.count == 2)

        // Unknown key; no key at all.
        let stranger = try AuditSigner(seed: Array(repeating: 8, count: 32))
        let wrong = try AuditTrustedKeys(parsing: "\(stranger.keyID) \(stranger.publicKey)", source: "test")
        let refused = try #require(try AuditVerifier.verify(directory: folder, trusted: wrong).problem)
        #expect(refused.reason.contains("not among the trusted keys") && refused.seq == 5, "\(refused)")
        report = try AuditVerifier.verify(directory: folder, trusted: AuditTrustedKeys())
        #expect(report.holds && report.checkpoints == 0 && report.uncheckedCheckpoints == 2)

        // Record 3 rewritten and every hash from it on recomputed: the chain holds, the
        // checkpoint after it does not.
        let file = folder + "/" + AuditSegments.name(firstSeq: 1)
        var lines = try Self.lines(folder)
        var prev = AuditChain.genesis
        for index in lines.indices {
            var line = lines[index]
            if index == 2 { line = line.replacingOccurrences(of: "key:ci", with: "key:xx") }
            let fieldsStart = line.index(line.firstIndex(of: ",")!, offsetBy: 1)
            let fieldsEnd = line.range(of: #","prev":""#)!.lowerBound
            var fields = ByteBuffer()
            fields.writeString(String(line[fieldsStart..<fieldsEnd]))
            let rewritten = AuditChain.line(seq: UInt64(index + 1), fields: fields, prev: prev)
            lines[index] = String(buffer: rewritten.line).trimmingCharacters(in: .newlines)
            prev = rewritten.hash
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
        let problem = try #require(try AuditVerifier.verify(directory: folder, trusted: trusted).problem)
        #expect(problem.seq == 5 && problem.reason.contains("does not hold for record 4"), "\(problem)")
    }

    @Test func anUnwritableFolderIsNamed() throws {
        #expect(throws: AuditFailure.self) { try AuditJournal(.init(directory: "/proc/switchboard-audit")) }
    }

    @Test func oneWriterPerJournal() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try AuditJournal(.init(directory: folder))
        let second = #expect(throws: AuditFailure.self) { try AuditJournal(.init(directory: folder)) }
        #expect(second?.message.contains("in use by another switchboard process") == true)
        journal.close()
        try AuditJournal(.init(directory: folder)).close()
    }
}

/// `audit.mode: strict`'s wait: a record waited for is synced at once (not at the next
/// interval), and whoever waits is let go after that sync, or at once when it is already done.
@Suite struct AuditJournalSyncTests {
    @Test func aWaitedRecordIsSyncedAtOnce() throws {
        let folder = AuditJournalTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // An interval no test would wait out: only the wait itself can have started the sync.
        let journal = try AuditJournal(.init(directory: folder, syncInterval: .seconds(3600)))
        let seq = try journal.append(AuditJournalTests.call(.callEnd, id: "c1"))
        let released = DispatchSemaphore(value: 0)
        journal.whenSynced(seq) { synced in if synced { released.signal() } }
        #expect(released.wait(timeout: .now() + .seconds(10)) == .success, "released after the sync it started")
        // Synced already: at once, on the caller's thread.
        let atOnce = Atomic(false)
        journal.whenSynced(seq) { atOnce.store($0, ordering: .relaxed) }
        let wasAtOnce = atOnce.load(ordering: .relaxed)
        #expect(wasAtOnce)
        #expect(journal.syncedSeq >= seq, "sinks may read up to it")
        // A wait left when the journal closes is let go by the close.
        let later = try journal.append(AuditJournalTests.call(.callEnd, id: "c2"))
        let closing = DispatchSemaphore(value: 0)
        journal.whenSynced(later + 5) { _ in closing.signal() }
        journal.close()
        #expect(closing.wait(timeout: .now() + .seconds(10)) == .success)
    }
}
