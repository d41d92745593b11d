#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the journal forward from a cursor (the seq of the last record already taken), while
/// a gateway may be writing it: what each sink and `audit export` read, never the writer.
///
/// It keeps its place (segment and byte offset), so a poll reads only what was written since
/// the last. A segment being written is reserved at its full size and filled with zeros past
/// what it holds, and a line copied into it may be seen before its end is: a line counts
/// only once its newline is there and it holds no zero byte (JSON escapes that byte, so no
/// written line has one); the rest is read again on the next poll.
package final class AuditReader {
    package let directory: String
    /// The seq of the last record returned (or the one to start after).
    package private(set) var cursor: UInt64
    /// Records the journal no longer has (pruned, or a segment lost) between the cursor and
    /// what was read next: skipped, and counted here.
    package private(set) var skipped: UInt64 = 0
    /// Lines that are not journal lines (a changed or damaged file): skipped, and counted.
    package private(set) var unreadable = 0
    private var segment: (name: String, first: UInt64)?
    /// This call's `upTo`, and whether a record past it stopped the reading.
    private var upTo: UInt64 = .max
    private var reachedLimit = false
    private var offset = 0
    private var chunk = 1 << 16

    package init(directory: String, after cursor: UInt64) {
        self.directory = directory
        self.cursor = cursor
    }

    /// Up to `limit` records after the cursor, in order, none past `upTo` (a gateway's sinks
    /// read only what is on disk); empty when none has been written yet.
    package func next(limit: Int, upTo: UInt64 = .max) throws(AuditFailure) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        if segment == nil, try !locate() { return [] }
        self.upTo = upTo
        reachedLimit = false
        while entries.count < limit, let current = segment {
            let before = entries.count
            let atEnd = try read(current.name, limit: limit, into: &entries)
            if reachedLimit { break }
            if entries.count > before || !atEnd { continue }
            // Nothing more in this segment for now: the next one, once it exists and this
            // one cannot still be missing records before it.
            guard let following = try AuditSegments.list(directory).first(where: { Self.firstSeq($0) > current.first }) else { break }
            let first = Self.firstSeq(following)
            if first > cursor + 1 {
                // Records before the next segment were written before it began, so any still
                // unread are here by now: one more look before they count as skipped.
                guard try read(current.name, limit: limit, into: &entries) else { continue }
                if entries.count > before { continue }
            }
            segment = (following, first)
            offset = 0
        }
        return entries
    }

    /// Finds the segment holding the record after the cursor (the last one starting at or
    /// before it; the first one when older ones were pruned); false when there is none.
    private func locate() throws(AuditFailure) -> Bool {
        let names = try AuditSegments.list(directory)
        guard let first = names.first else { return false }
        let name = names.last(where: { Self.firstSeq($0) <= cursor + 1 }) ?? first
        segment = (name, Self.firstSeq(name))
        offset = 0
        return true
    }

    /// Reads complete lines from the segment at the offset into `entries` (those after the
    /// cursor, at most up to `limit` in all); true when it reached what has been written.
    private func read(_ name: String, limit: Int, into entries: inout [AuditEntry]) throws(AuditFailure) -> Bool {
        let path = directory + "/" + name
        let fd = AuditSegments.openFile(path, O_RDONLY | O_CLOEXEC, 0)
        guard fd >= 0 else {
            if errno == ENOENT {
                // Pruned under us: start again from what the folder holds.
                segment = nil
                return try locate() ? false : true
            }
            throw AuditFailure("cannot read \(path): \(AuditSegments.errnoText())")
        }
        defer { AuditSegments.closeFile(fd) }
        while entries.count < limit {
            var bytes = [UInt8](repeating: 0, count: chunk)
            let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw AuditFailure("cannot read \(path): \(AuditSegments.errnoText())")
            }
            let written = bytes[0..<count].firstIndex(of: 0) ?? count
            guard let lastNewline = bytes[0..<written].lastIndex(of: UInt8(ascii: "\n")) else {
                // No whole line: the end of what is written, unless one line is longer than
                // the chunk.
                if written == chunk, count == chunk {
                    chunk *= 2
                    continue
                }
                return true
            }
            var start = 0
            for index in 0...lastNewline where bytes[index] == UInt8(ascii: "\n") {
                defer { start = index + 1 }
                guard entries.count < limit else {
                    offset += start
                    return false
                }
                guard take(bytes[start..<index], into: &entries) else {
                    // Past `upTo`: read again from this line next time.
                    offset += start
                    reachedLimit = true
                    return false
                }
            }
            offset += lastNewline + 1
            // Zeros or the file's end: what follows the last newline is not whole yet.
            if written < count || count < chunk { return true }
        }
        return false
    }

    /// False when the line is past `upTo` (and not taken).
    private func take(_ line: ArraySlice<UInt8>, into entries: inout [AuditEntry]) -> Bool {
        guard let entry = AuditEntry(line: line) else {
            unreadable += 1
            return true
        }
        guard entry.seq > cursor else { return true }
        guard entry.seq <= upTo else { return false }
        if entry.seq > cursor + 1 { skipped += entry.seq - cursor - 1 }
        cursor = entry.seq
        entries.append(entry)
        return true
    }

    static func firstSeq(_ name: String) -> UInt64 { UInt64(name.prefix(20)) ?? 0 }
}
