/// Recomputes the journal's chain from its stored bytes: every line's hash, every link to the
/// line before, and seqs without a gap from the first. The first record that does not hold is
/// named by seq, file and line.
package enum AuditVerifier {
    package struct Report: Sendable, Equatable {
        package var records = 0
        package var segments = 0
        /// The last record's seq and hash (the head a checkpoint would sign).
        package var lastSeq: UInt64 = 0
        package var head = AuditChain.genesis
        package var problem: Problem?

        package var holds: Bool { problem == nil }
    }

    package struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The seq the bad record has, or the one it should have had.
        package var seq: UInt64
        package var file: String
        package var line: Int
        package var reason: String

        package var description: String { "record \(seq) (\(file) line \(line)): \(reason)" }
    }

    package static func verify(directory: String) throws(AuditFailure) -> Report {
        var report = Report()
        let segments = try AuditSegments.list(directory)
        guard !segments.isEmpty else { throw AuditFailure("no audit journal in \(directory) (no NNNNNNNNNNNNNNNNNNNN.jsonl files)") }
        var expectedSeq: UInt64 = 0
        var prev = AuditChain.genesis
        var first = true
        for name in segments {
            report.segments += 1
            let bytes = try AuditSegments.contents(of: directory + "/" + name) ?? []
            for (index, line) in AuditSegments.lines(bytes).enumerated() {
                func fail(_ reason: String, seq: UInt64) -> Report {
                    report.problem = Problem(seq: seq, file: name, line: index + 1, reason: reason)
                    return report
                }
                guard line.terminated else { return fail("the line is torn (no newline at its end)", seq: expectedSeq + 1) }
                guard let parsed = AuditLine(line.bytes) else { return fail("not a journal line", seq: expectedSeq + 1) }
                if first {
                    // A trail pruned by retention starts later; its first record is taken as given.
                    expectedSeq = parsed.seq
                    prev = parsed.prev
                    first = false
                } else {
                    expectedSeq += 1
                }
                guard parsed.seq == expectedSeq else {
                    return fail(parsed.seq > expectedSeq ? "records \(expectedSeq)…\(parsed.seq - 1) are missing" : "seq \(parsed.seq) repeats or goes back", seq: expectedSeq)
                }
                guard parsed.prev == prev else { return fail("prev does not match the hash of record \(expectedSeq - 1)", seq: parsed.seq) }
                guard parsed.hashHolds else { return fail("its bytes do not match its hash (changed after it was written)", seq: parsed.seq) }
                prev = parsed.hash
                report.records += 1
                report.lastSeq = parsed.seq
                report.head = parsed.hash
            }
        }
        return report
    }
}
