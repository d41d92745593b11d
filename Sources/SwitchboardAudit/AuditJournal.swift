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
/// `append` puts the line into the page cache before it returns, so a record survives
/// `kill -9` before the caller goes on: call records are appended before the call is sent
/// upstream and before its answer is released. The segment being written is reserved on disk
/// at its full size (`posix_fallocate`) and memory-mapped, so an append is a copy, not a
/// system call (the ext4 write path cost ~4 µs a record under load, the largest part of a
/// record); the unused end is cut when the segment is closed, and readers stop at the zeros
/// a crash leaves there (`AuditSegments.contents`). Where a file cannot be reserved or
/// mapped, lines go out with `pwrite(2)`. Disk durability comes from a group commit: a
/// background thread runs `fdatasync` every `syncInterval` when something was written, so a
/// power loss can take at most that interval. Sinks read the files, never the writer, so none
/// of them can slow a call.
package final class AuditJournal: Sendable {
    package struct Options: Sendable {
        package var directory: String
        package var segmentBytes: Int
        package var syncInterval: Duration
        /// Map segments into memory (false: `pwrite(2)` each line, as where mapping fails).
        package var mapped: Bool
        /// Signs checkpoints every `checkpointInterval` (when records were written) and before
        /// the trail is closed; nil: no checkpoints.
        package var signer: AuditSigner?
        package var checkpointInterval: Duration

        package init(
            directory: String, segmentBytes: Int = 64 << 20, syncInterval: Duration = .milliseconds(100), mapped: Bool = true,
            signer: AuditSigner? = nil, checkpointInterval: Duration = .seconds(60)
        ) {
            self.directory = directory
            self.segmentBytes = segmentBytes
            self.syncInterval = syncInterval
            self.mapped = mapped
            self.signer = signer
            self.checkpointInterval = checkpointInterval
        }
    }

    private struct State {
        var fd: CInt
        /// The bytes of the segment written so far.
        var segmentSize: Int
        /// The segment mapped, `mapSize` bytes reserved on disk; nil: lines are `pwrite`n.
        var map: UnsafeMutableRawPointer?
        var mapSize = 0
        /// Where the segment stood at the last sync, and how far its pages are faulted in.
        var syncedSize = 0
        var prefaulted = 0
        /// Up to where written pages were let go of after a sync.
        var released = 0
        /// The seq of the last checkpoint record (0: none yet in this process).
        var checkpointed: UInt64 = 0
        var seq: UInt64
        /// The last record's hash (base64url), the next one's `prev`.
        var prev: [UInt8]
        /// The line being written, its storage kept from one record to the next.
        var line = ByteBuffer()
        var dirty = false
        var closed = false
        /// The last seq known to be on disk, and what waits for a later one (`whenSynced`).
        var syncedSeq: UInt64 = 0
        var waiters: [(seq: UInt64, body: @Sendable (Bool) -> Void)] = []
    }

    package let options: Options
    private let state: Mutex<State>
    /// The journal's lock file, held until `close`.
    private let lock: CInt
    /// Wakes the sync thread: to stop, or because a record is waited for (`whenSynced`).
    private let wakeSync = DispatchSemaphore(value: 0)
    private let stopping = Atomic(false)
    private let syncStopped = DispatchSemaphore(value: 0)

    /// Opens the journal in `options.directory` (made 0700 if missing), repairing what a crash
    /// left (`AuditRecovery`), and starts the group commit.
    package init(_ options: Options) throws(AuditFailure) {
        self.options = options
        let opened = try AuditRecovery.open(options)
        var state = State(fd: opened.fd, segmentSize: opened.segmentSize, seq: opened.seq, prev: Array(opened.prev.utf8))
        do {
            try Self.reserve(&state, options, room: 0)
        } catch {
            AuditSegments.closeFile(opened.fd)
            AuditSegments.closeFile(opened.lock)
            throw error
        }
        self.state = Mutex(state)
        lock = opened.lock
        for record in opened.records { _ = try append(record) }
        let thread = Thread { [self] in syncLoop() }
        thread.name = "switchboard-audit-sync"
        thread.start()
    }

    /// Makes the journal's folder (mode 0700) if it is missing, for the keys kept in it.
    package static func makeDirectory(_ path: String) throws(AuditFailure) {
        try AuditRecovery.makeDirectory(path)
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
            try append(fields: fields, to: &state)
        }
    }

    /// Signs the record written last with an `audit.checkpoint` (under the lock, so nothing
    /// comes between them; once a minute, a signature's tens of microseconds), unless the
    /// last record is a checkpoint already or there is no signer.
    package func checkpoint() throws(AuditFailure) {
        guard let signer = options.signer else { return }
        try state.withLock { state throws(AuditFailure) in
            guard !state.closed, state.seq > state.checkpointed, state.seq > 0 else { return }
            var record = AuditRecord(event: .auditCheckpoint)
            record.keyID = signer.keyID
            record.signature = signer.sign(seq: state.seq, hash: state.prev)
            state.checkpointed = try append(fields: record.encodedFields(), to: &state)
        }
    }

    private func append(fields: ByteBuffer, to state: inout State) throws(AuditFailure) -> UInt64 {
        guard !state.closed else { throw AuditFailure("the audit journal is closed") }
        if state.segmentSize >= options.segmentBytes { try rotate(&state) }
        let seq = state.seq + 1
        let hash = AuditChain.write(seq: seq, fields: fields, prev: state.prev, into: &state.line)
        if state.map != nil, state.segmentSize + state.line.readableBytes > state.mapSize {
            // Past what the segment reserved (a record larger than the rest): the next one.
            try rotate(&state, room: state.line.readableBytes)
        }
        if let map = state.map {
            let offset = state.segmentSize
            state.line.withUnsafeReadableBytes { (map + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        } else {
            try Self.writeAll(state.line, to: state.fd, at: state.segmentSize, directory: options.directory)
        }
        state.seq = seq
        // Written: its hash is the next record's `prev` (copied in place, same length).
        state.line.withUnsafeReadableBytes { bytes in
            state.prev.replaceSubrange(0..<state.prev.count, with: UnsafeRawBufferPointer(rebasing: bytes[hash]))
        }
        state.segmentSize += state.line.readableBytes
        state.dirty = true
        return seq
    }

    /// Writes the closing record, syncs and closes; later appends fail.
    package func close() {
        try? checkpoint()
        _ = try? append(AuditRecord(event: .auditClosed))
        stopping.store(true, ordering: .relaxed)
        wakeSync.signal()
        syncStopped.wait()
        let waiting = state.withLock { state -> [(seq: UInt64, body: @Sendable (Bool) -> Void)] in
            guard !state.closed else { return [] }
            state.closed = true
            Self.unmap(&state)
            _ = fdatasync(state.fd)
            AuditSegments.closeFile(state.fd)
            AuditSegments.closeFile(lock)
            state.syncedSeq = state.seq
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiting { waiter.body(true) }
    }

    /// The seq of the last record known to be on disk: what sinks may read up to, so that a
    /// record a power loss takes from the journal has gone nowhere else either.
    package var syncedSeq: UInt64 { state.withLock { $0.syncedSeq } }

    /// Runs `body` once the record `seq` is on disk (fdatasync done): at once when it is
    /// already, else on the sync thread right after the sync that covers it, which starts at
    /// once rather than at the next interval (`audit.mode: strict`; the records waited for
    /// meanwhile share that sync).
    /// `body` gets false when the sync failed (the disk refused `fdatasync`): the record may
    /// not be on disk, and the caller decides (fail closed or open).
    package func whenSynced(_ seq: UInt64, _ body: @escaping @Sendable (Bool) -> Void) {
        let now = state.withLock { state -> Bool in
            if state.syncedSeq >= seq || state.closed { return true }
            state.waiters.append((seq, body))
            return false
        }
        if now {
            body(true)
        } else {
            wakeSync.signal()
        }
    }

    /// Syncs what was written since the last sync. The descriptor is duplicated under the lock
    /// and synced outside it: appends never wait for the disk, and a rotation may close the
    /// original meanwhile. Then the pages the next appends will write are faulted in ahead
    /// (`prefault`), here rather than one fault at a time on the request path.
    package func sync() {
        let (fd, seq, ahead, behind) = state.withLock { state -> (CInt, UInt64, UnsafeMutableRawBufferPointer?, UnsafeMutableRawBufferPointer?) in
            guard state.dirty, !state.closed else { return (-1, state.seq, nil, nil) }
            state.dirty = false
            let behind = Self.writtenRange(&state)
            return (dup(state.fd), state.seq, Self.prefaultRange(&state), behind)
        }
        var synced = true
        if fd >= 0 {
            synced = fdatasync(fd) == 0
            AuditSegments.closeFile(fd)
        }
        // What is written up to `seq` is on disk now (earlier segments were synced when
        // rotated), unless the sync failed: then it stays to sync again, and whoever waited for
        // it is told.
        let done = state.withLock { state -> [(seq: UInt64, body: @Sendable (Bool) -> Void)] in
            if synced {
                state.syncedSeq = max(state.syncedSeq, seq)
            } else {
                state.dirty = true
            }
            guard !state.waiters.isEmpty else { return [] }
            let through = synced ? state.syncedSeq : seq
            let ready = state.waiters.filter { $0.seq <= through }
            state.waiters.removeAll { $0.seq <= through }
            return ready
        }
        for waiter in done { waiter.body(synced) }
        guard fd >= 0 else { return }
        // After the sync: a page it writes back is write-protected again until next written.
        // A rotation may have unmapped these ranges meanwhile; madvise then fails, harmlessly.
        if let ahead { _ = madvise(ahead.baseAddress, ahead.count, Self.populateWrite) }
        // Whole pages written before this sync are on disk now: out of the process's mapping
        // (still in the page cache), so its resident size does not grow with the segment.
        if let behind { _ = madvise(behind.baseAddress, behind.count, MADV_DONTNEED) }
    }

    /// The whole pages written since the last sync released theirs, before the one being
    /// written on.
    private static func writtenRange(_ state: inout State) -> UnsafeMutableRawBufferPointer? {
        guard let map = state.map else { return nil }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = state.segmentSize / page * page
        guard end > state.released else { return nil }
        defer { state.released = end }
        return UnsafeMutableRawBufferPointer(start: map + state.released, count: end - state.released)
    }

    /// `MADV_POPULATE_WRITE` (Linux 5.14): fault pages in writable without writing them.
    private static let populateWrite: CInt = 23

    /// The pages from the one being written on, as many as were written since the last sync
    /// (at least 16 KiB, at most 4 MiB), less what an earlier sync already faulted in: about
    /// what the next interval writes. More would not help, since each sync write-protects
    /// the pages it writes back, and a page faulted in but not written by then faults again.
    private static func prefaultRange(_ state: inout State) -> UnsafeMutableRawBufferPointer? {
        guard let map = state.map else { return nil }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let written = state.segmentSize - state.syncedSize
        state.syncedSize = state.segmentSize
        let start = max(state.segmentSize / page * page, state.prefaulted)
        let end = min(state.mapSize, (state.segmentSize + min(max(written, 16 << 10), 4 << 20) + page - 1) / page * page)
        guard end > start else { return nil }
        state.prefaulted = end
        return UnsafeMutableRawBufferPointer(start: map + start, count: end - start)
    }

    private func syncLoop() {
        let interval = options.syncInterval
        let nanoseconds = Int(interval.components.seconds) * 1_000_000_000 + Int(interval.components.attoseconds / 1_000_000_000)
        let clock = ContinuousClock()
        var lastCheckpoint = clock.now
        while true {
            _ = wakeSync.wait(timeout: .now() + .nanoseconds(max(nanoseconds, 1_000_000)))
            if stopping.load(ordering: .relaxed) { break }
            if options.signer != nil, clock.now - lastCheckpoint >= options.checkpointInterval {
                lastCheckpoint = clock.now
                // A failure is the next append's to report: the call that cannot be recorded.
                try? checkpoint()
            }
            sync()
        }
        sync()
        syncStopped.signal()
    }

    /// A full segment is cut to what it holds, synced and closed; the next starts at the next
    /// seq, reserving at least `room` bytes.
    private func rotate(_ state: inout State, room: Int = 0) throws(AuditFailure) {
        let path = options.directory + "/" + AuditSegments.name(firstSeq: state.seq + 1)
        let fd = try AuditRecovery.create(path)
        Self.unmap(&state)
        _ = fdatasync(state.fd)
        AuditSegments.closeFile(state.fd)
        state.fd = fd
        state.segmentSize = 0
        try Self.reserve(&state, options, room: room)
    }

    /// Reserves the segment's full size on disk and maps it; where either is not possible
    /// (a file system without them), leaves it to `pwrite`. A full disk is an error: the
    /// journal cannot be written.
    private static func reserve(_ state: inout State, _ options: Options, room: Int) throws(AuditFailure) {
        guard options.mapped else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let wanted = max(options.segmentBytes, state.segmentSize + room)
        let size = (wanted + page - 1) / page * page
        let reserved = posix_fallocate(state.fd, 0, off_t(size))
        if reserved == ENOSPC || reserved == EDQUOT {
            _ = ftruncate(state.fd, off_t(state.segmentSize))
            throw AuditFailure("cannot write the audit journal in \(options.directory): \(String(cString: strerror(reserved)))")
        }
        guard reserved == 0 else { return }
        guard let map = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, state.fd, 0), map != MAP_FAILED else {
            _ = ftruncate(state.fd, off_t(state.segmentSize))
            return
        }
        state.map = map
        state.mapSize = size
        state.syncedSize = state.segmentSize
        state.prefaulted = 0
        state.released = 0
    }

    /// Unmaps the segment and cuts the reserved zeros after what it holds.
    private static func unmap(_ state: inout State) {
        guard let map = state.map else { return }
        munmap(map, state.mapSize)
        _ = ftruncate(state.fd, off_t(state.segmentSize))
        state.map = nil
        state.mapSize = 0
    }

    private static func writeAll(_ line: ByteBuffer, to fd: CInt, at offset: Int, directory: String) throws(AuditFailure) {
        var written = 0
        let total = line.readableBytes
        let failure: Int32? = line.withUnsafeReadableBytes { bytes -> Int32? in
            while written < total {
                let count = pwrite(fd, bytes.baseAddress! + written, total - written, off_t(offset + written))
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
        if written > 0 { _ = ftruncate(fd, off_t(offset)) }
        throw AuditFailure("cannot write the audit journal in \(directory): \(String(cString: strerror(failure)))")
    }
}
