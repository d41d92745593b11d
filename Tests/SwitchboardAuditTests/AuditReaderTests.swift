import Foundation
import NIOCore
import SwitchboardAudit
import Testing

/// The reader sinks use, on a real journal being written: it picks up where it left off,
/// follows rotation, never returns a line that is not whole, and counts what was pruned.
@Suite struct AuditReaderTests {
    static func journal(_ folder: String, segmentBytes: Int = 64 << 20) throws -> AuditJournal {
        try AuditJournal(.init(directory: folder, segmentBytes: segmentBytes))
    }

    @Test func readsIncrementallyWhileTheJournalIsWritten() throws {
        let folder = AuditJournalTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try Self.journal(folder)
        let reader = AuditReader(directory: folder, after: 0)
        #expect(try reader.next(limit: 10).map(\.seq) == [1], "audit.opened")
        #expect(try reader.next(limit: 10).isEmpty)
        for n in 1...5 { try journal.append(AuditJournalTests.call(.callBegin, id: "c\(n)")) }
        let first = try reader.next(limit: 3)
        #expect(first.map(\.seq) == [2, 3, 4])
        #expect(first[0].event == "call.begin" && first[0]["tool"] == "github__create_issue" && first[0]["request_id"] == "7")
        #expect(try reader.next(limit: 10).map(\.seq) == [5, 6])
        journal.close()
        #expect(try reader.next(limit: 10).map(\.event) == ["audit.closed"])
        #expect(reader.cursor == 7 && reader.skipped == 0 && reader.unreadable == 0)
    }

    @Test func followsRotationAndResumesFromACursor() throws {
        let folder = AuditJournalTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try Self.journal(folder, segmentBytes: 64 << 10)
        let reader = AuditReader(directory: folder, after: 0)
        var seen: [UInt64] = []
        for n in 1...600 {
            try journal.append(AuditJournalTests.call(.callEnd, id: "c\(n)"))
            if n % 97 == 0 { seen += try reader.next(limit: 1000).map(\.seq) }
        }
        journal.close()
        seen += try reader.next(limit: 10_000).map(\.seq)
        #expect(try AuditSegments.list(folder).count > 2, "the test needs several segments")
        #expect(seen == Array(1...602))
        // A new reader from a cursor in the middle of a segment that is not the first.
        let resumed = AuditReader(directory: folder, after: 400)
        #expect(try resumed.next(limit: 10_000).map(\.seq) == Array(401...602))
    }

    @Test func aLineWithoutItsNewlineOrWithZerosIsLeftForLater() throws {
        let folder = AuditJournalTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try Self.journal(folder)
        try journal.append(AuditJournalTests.call(.callBegin, id: "c1"))
        journal.close()
        let path = folder + "/" + AuditSegments.name(firstSeq: 1)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let lines = whole.split(separator: UInt8(ascii: "\n"))
        // The last line cut short, then zeros: a record still being copied into the map.
        var torn = Data(lines[0] + [UInt8(ascii: "\n")] + lines[1] + [UInt8(ascii: "\n")])
        torn += lines[2].prefix(40)
        torn += Data(repeating: 0, count: 30) + lines[2].suffix(10) + [UInt8(ascii: "\n")] + Data(repeating: 0, count: 1000)
        try torn.write(to: URL(fileURLWithPath: path))
        let reader = AuditReader(directory: folder, after: 0)
        #expect(try reader.next(limit: 10).map(\.seq) == [1, 2])
        try whole.write(to: URL(fileURLWithPath: path))
        #expect(try reader.next(limit: 10).map(\.seq) == [3], "read again from the same place once whole")
    }

    @Test func recordsPrunedFromTheJournalAreCountedAsSkipped() throws {
        let folder = AuditJournalTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try Self.journal(folder, segmentBytes: 64 << 10)
        for n in 1...400 { try journal.append(AuditJournalTests.call(.callEnd, id: "c\(n)")) }
        journal.close()
        let segments = try AuditSegments.list(folder)
        #expect(segments.count >= 2)
        try FileManager.default.removeItem(atPath: folder + "/" + segments[0])
        let firstLeft = UInt64(segments[1].prefix(20))!
        let reader = AuditReader(directory: folder, after: 3)
        let entries = try reader.next(limit: 10_000)
        #expect(entries.first?.seq == firstLeft)
        #expect(reader.skipped == firstLeft - 4)
        #expect(entries.last?.seq == 402)
    }

    @Test func recordsPastTheSyncedSeqWaitForTheirSync() throws {
        let folder = AuditJournalTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try Self.journal(folder)
        for n in 1...4 { try journal.append(AuditJournalTests.call(.callBegin, id: "c\(n)")) }
        let reader = AuditReader(directory: folder, after: 0)
        #expect(try reader.next(limit: 10, upTo: 3).map(\.seq) == [1, 2, 3])
        #expect(try reader.next(limit: 10, upTo: 3).isEmpty, "4 and 5 wait")
        #expect(try reader.next(limit: 10, upTo: 5).map(\.seq) == [4, 5])
        journal.close()
    }
}
