#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
package import NIOCore
import Synchronization

/// The append-only local journal every audit record is written to first: one JSON line per
/// record, chained by hash (`AuditChain`), in segment files rotated by size.
///
/// `append` writes the line with `write(2)` before it returns, so a record is in the page cache
/// (and survives `kill -9`) before the caller goes on: call records are appended before the
/// call is sent upstream and before its answer is released. Disk durability comes from a
/// group commit: a background thread runs `fdatasync` every `syncInterval` when something was
/// written, so a power loss can take at most that interval. Sinks read the files, never the
/// writer, so none of them can slow a call.
package final class AuditJournal: Sendable {
    package struct Options: Sendable {
        package var directory: String
        package var segmentBytes: Int
        package var syncInterval: Duration

        package init(directory: String, segmentBytes: Int = 64 << 20, syncInterval: Duration = .milliseconds(100)) {
            self.directory = directory
            self.segmentBytes = segmentBytes
            self.syncInterval = syncInterval
        }
    }

    private struct State {
        var fd: CInt
        var segmentSize: Int
        var seq: UInt64
        /// The last record's hash (base64url), the next one's `prev`.
        var prev: [UInt8]
        /// The line being written, its storage kept from one record to the next.
        var line = ByteBuffer()
        var dirty = false
        var closed = false
    }

    package let options: Options
    private let state: Mutex<State>
    /// The journal's lock file, held until `close`.
    private let lock: CInt
    private let stopSync = DispatchSemaphore(value: 0)
    private let syncStopped = DispatchSemaphore(value: 0)

    /// Opens the journal in `options.directory` (made 0700 if missing), repairing what a crash
    /// left (`AuditRecovery`), and starts the group commit.
    package init(_ options: Options) throws(AuditFailure) {
        self.options = options
        let opened = try AuditRecovery.open(options)
        state = Mutex(State(fd: opened.fd, segmentSize: opened.segmentSize, seq: opened.seq, prev: Array(opened.prev.utf8)))
        lock = opened.lock
        for record in opened.records { _ = try append(record) }
        let thread = Thread { [self] in syncLoop() }
        thread.name = "switchboard-audit-sync"
        thread.start()
    }

    /// The seq of the last record written (0 before the first).
    package var lastSeq: UInt64 { state.withLock { $0.seq } }

    /// Writes `record`; its seq.
    @discardableResult
    package func append(_ record: AuditRecord) throws(AuditFailure) -> UInt64 {
        try append(fields: record.encodedFields())
    }

    /// Writes a record whose fields are already encoded (`AuditRecord.encodedFields`, done
    /// outside the lock); its seq. Nothing is written when it fails: a partial line is cut.
    @discardableResult
    package func append(fields: ByteBuffer) throws(AuditFailure) -> UInt64 {
        try state.withLock { state throws(AuditFailure) -> UInt64 in
            guard !state.closed else { throw AuditFailure("the audit journal is closed") }
            if state.segmentSize >= options.segmentBytes { try rotate(&state) }
            let seq = state.seq + 1
            let hash = AuditChain.write(seq: seq, fields: fields, prev: state.prev, into: &state.line)
            try Self.writeAll(state.line, to: state.fd, restoringSize: state.segmentSize, directory: options.directory)
            state.seq = seq
            // Written: its hash is the next record's `prev` (copied in place, same length).
            state.line.withUnsafeReadableBytes { bytes in
                state.prev.replaceSubrange(0..<state.prev.count, with: UnsafeRawBufferPointer(rebasing: bytes[hash]))
            }
            state.segmentSize += state.line.readableBytes
            state.dirty = true
            return seq
        }
    }

    /// Writes the closing record, syncs and closes; later appends fail.
    package func close() {
        _ = try? append(AuditRecord(event: .auditClosed))
        stopSync.signal()
        syncStopped.wait()
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            _ = fdatasync(state.fd)
            AuditSegments.closeFile(state.fd)
            AuditSegments.closeFile(lock)
        }
    }

    /// Syncs what was written since the last sync. The descriptor is duplicated under the lock
    /// and synced outside it: appends never wait for the disk, and a rotation may close the
    /// original meanwhile.
    package func sync() {
        let fd = state.withLock { state -> CInt in
            guard state.dirty, !state.closed else { return -1 }
            state.dirty = false
            return dup(state.fd)
        }
        guard fd >= 0 else { return }
        _ = fdatasync(fd)
        AuditSegments.closeFile(fd)
    }

    private func syncLoop() {
        let interval = options.syncInterval
        let nanoseconds = Int(interval.components.seconds) * 1_000_000_000 + Int(interval.components.attoseconds / 1_000_000_000)
        while stopSync.wait(timeout: .now() + .nanoseconds(max(nanoseconds, 1_000_000))) == .timedOut {
            sync()
        }
        sync()
        syncStopped.signal()
    }

    /// A full segment is synced and closed; the next starts at the next seq.
    private func rotate(_ state: inout State) throws(AuditFailure) {
        let path = options.directory + "/" + AuditSegments.name(firstSeq: state.seq + 1)
        let fd = try AuditRecovery.create(path)
        _ = fdatasync(state.fd)
        AuditSegments.closeFile(state.fd)
        state.fd = fd
        state.segmentSize = 0
    }

    private static func writeAll(_ line: ByteBuffer, to fd: CInt, restoringSize size: Int, directory: String) throws(AuditFailure) {
        var written = 0
        let total = line.readableBytes
        let failure: Int32? = line.withUnsafeReadableBytes { bytes -> Int32? in
            while written < total {
                let count = write(fd, bytes.baseAddress! + written, total - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return nil
        }
        guard let failure else { return }
        // A torn line would break every later record's chain: cut it.
        if written > 0 { _ = ftruncate(fd, off_t(size)) }
        throw AuditFailure("cannot write the audit journal in \(directory): \(String(cString: strerror(failure)))")
    }
}
