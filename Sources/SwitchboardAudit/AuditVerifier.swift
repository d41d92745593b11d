import Foundation

/// Recomputes the journal's chain from its stored bytes: every line's hash, every link to the
/// line before, and seqs without a gap from the first; and checks every checkpoint's signature
/// against the trusted public keys. The first record that does not hold is named by seq, file
/// and line.
package enum AuditVerifier {
    package struct Report: Sendable, Equatable {
        package var records = 0
        package var segments = 0
        /// The last record's seq and hash (the head a checkpoint would sign).
        package var lastSeq: UInt64 = 0
        package var head = AuditChain.genesis
        package var problem: Problem?
        /// Checkpoints whose signature holds, the last one's seq and the record it signs.
        package var checkpoints = 0
        package var lastCheckpointSeq: UInt64 = 0
        package var lastSignedSeq: UInt64 = 0
        /// Checkpoints left unchecked: no trusted key was given or found.
        package var uncheckedCheckpoints = 0

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

    /// The trusted keys are `trusted`, else the journal's own `checkpoint.pub` (which whoever
    /// can rewrite the journal can rewrite too: keep a copy elsewhere and pass it).
    package static func verify(directory: String, trusted: AuditTrustedKeys? = nil) throws(AuditFailure) -> Report {
        var report = Report()
        let keys: AuditTrustedKeys
        if let trusted { keys = trusted } else { keys = try journalKeys(directory) }
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
                if line.bytes.firstRange(of: checkpointMarker) != nil {
                    switch checkpoint(line.bytes, parsed, keys) {
                    case .holds:
                        report.checkpoints += 1
                        report.lastCheckpointSeq = parsed.seq
                        report.lastSignedSeq = parsed.seq - 1
                    case .unchecked:
                        report.uncheckedCheckpoints += 1
                    case .fails(let reason):
                        return fail(reason, seq: parsed.seq)
                    }
                }
                prev = parsed.hash
                report.records += 1
                report.lastSeq = parsed.seq
                report.head = parsed.hash
            }
        }
        return report
    }

    private static let checkpointMarker = Array(#""event":"audit.checkpoint""#.utf8)

    private enum Checked {
        case holds
        case unchecked
        case fails(String)
    }

    /// A checkpoint signs the record before it: its seq and its hash, the checkpoint's `prev`.
    private static func checkpoint(_ bytes: ArraySlice<UInt8>, _ line: AuditLine, _ keys: AuditTrustedKeys) -> Checked {
        guard let record = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
            let keyID = record["key_id"] as? String, let signature = record["signature"] as? String, line.seq > 1
        else { return .fails("a checkpoint without its key_id and signature") }
        switch keys.holds(signature: signature, keyID: keyID, seq: line.seq - 1, hash: Array(line.prev.utf8)) {
        case .some(true): return .holds
        case .some(false): return .fails("its signature (key \(keyID)) does not hold for record \(line.seq - 1)")
        case .none: return keys.isEmpty ? .unchecked : .fails("signed by key \(keyID), which is not among the trusted keys")
        }
    }

    /// `checkpoint.pub` in the journal folder, or no keys when it is not there.
    private static func journalKeys(_ directory: String) throws(AuditFailure) -> AuditTrustedKeys {
        let path = directory + "/checkpoint.pub"
        guard let data = FileManager.default.contents(atPath: path) else { return AuditTrustedKeys() }
        return try AuditTrustedKeys(parsing: String(decoding: data, as: UTF8.self), source: path)
    }
}
