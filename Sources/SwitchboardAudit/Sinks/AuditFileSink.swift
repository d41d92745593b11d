#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
package import Foundation
import Synchronization

/// Copies records as JSONL to `path` (mode 0600), the lines as the journal holds them, for a
/// log shipper to tail (Vector, Fluent Bit, Filebeat). Past `maxBytes`, or when the file is
/// older than `rotateEvery`, it is renamed `path.1` (older ones moved up to `path.N`); rotated
/// files past `maxFiles` or older than `maxAge` are deleted. Shippers that follow renames see
/// every line once; a batch offered again after a crash repeats lines, each with its seq.
package final class AuditFileSink: AuditSink {
    package struct Options: Sendable {
        package var path: String
        package var maxBytes: Int
        package var rotateEvery: Duration?
        package var maxFiles: Int
        package var maxAge: Duration?

        package init(path: String, maxBytes: Int = 100 << 20, rotateEvery: Duration? = nil, maxFiles: Int = 10, maxAge: Duration? = nil) {
            self.path = path
            self.maxBytes = maxBytes
            self.rotateEvery = rotateEvery
            self.maxFiles = maxFiles
            self.maxAge = maxAge
        }
    }

    private struct Open {
        var fd: CInt
        var size: Int
        var opened: Date
    }

    package let name: String
    private let options: Options
    private let now: @Sendable () -> Date
    private let file = Mutex<Open?>(nil)

    package init(name: String, options: Options, now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = name
        self.options = options
        self.now = now
    }

    package func deliver(_ entries: [AuditEntry]) throws {
        let bytes = AuditEntry.jsonl(entries)
        try file.withLock { open throws(AuditFailure) in
            // Opened first, so that a file kept from before a restart is judged too.
            if open == nil { open = try openFile() }
            if let current = open, current.size > 0, current.size + bytes.count > options.maxBytes || isDue(current) {
                try rotate(&open)
                open = try openFile()
            }
            guard let current = open else { return }
            try write(bytes, to: current.fd)
            open?.size += bytes.count
        }
    }

    package func idle() throws {
        try file.withLock { open throws(AuditFailure) in
            if let current = open, current.size > 0, isDue(current) { try rotate(&open) }
        }
        pruneOld()
    }

    package func close() {
        file.withLock { open in
            if let fd = open?.fd { AuditSegments.closeFile(fd) }
            open = nil
        }
    }

    private func isDue(_ open: Open) -> Bool {
        guard let every = options.rotateEvery else { return false }
        return now().timeIntervalSince(open.opened) >= Double(every.components.seconds)
    }

    private func openFile() throws(AuditFailure) -> Open {
        let fd = AuditSegments.openFile(options.path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditFailure("cannot open the audit file \(options.path): \(AuditSegments.errnoText())") }
        var info = stat()
        let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        // A file kept from before a restart is as old as its first record (the file system
        // keeps no creation time a program can read everywhere; its change time moves on
        // every write).
        let opened = size > 0 ? (firstRecordTime(fd) ?? now()) : now()
        return Open(fd: fd, size: size, opened: opened)
    }

    /// The `time` of the file's first line, when it is a record (`{"seq":N,"time":"…"`).
    private func firstRecordTime(_ fd: CInt) -> Date? {
        var head = [UInt8](repeating: 0, count: 128)
        let count = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0, let marker = head[0..<count].firstRange(of: Array(#""time":""#.utf8)), marker.upperBound + 27 <= count,
            let microseconds = AuditTime.microseconds(String(decoding: head[marker.upperBound..<(marker.upperBound + 27)], as: UTF8.self))
        else { return nil }
        return Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    private func write(_ bytes: [UInt8], to fd: CInt) throws(AuditFailure) {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if count < 0 {
                if errno == EINTR { continue }
                throw AuditFailure("cannot write the audit file \(options.path): \(AuditSegments.errnoText())")
            }
            done += count
        }
    }

    /// `path` becomes `path.1`, `path.1` becomes `path.2`…; what would pass `maxFiles` goes.
    private func rotate(_ open: inout Open?) throws(AuditFailure) {
        if let fd = open?.fd { AuditSegments.closeFile(fd) }
        open = nil
        let manager = FileManager.default
        try? manager.removeItem(atPath: "\(options.path).\(options.maxFiles)")
        for index in stride(from: options.maxFiles - 1, through: 1, by: -1) where manager.fileExists(atPath: "\(options.path).\(index)") {
            if rename("\(options.path).\(index)", "\(options.path).\(index + 1)") != 0 {
                throw AuditFailure("cannot rotate the audit file \(options.path).\(index): \(AuditSegments.errnoText())")
            }
        }
        if rename(options.path, options.path + ".1") != 0 {
            throw AuditFailure("cannot rotate the audit file \(options.path): \(AuditSegments.errnoText())")
        }
    }

    /// Deletes rotated files older than `maxAge`.
    private func pruneOld() {
        guard let maxAge = options.maxAge else { return }
        let cutoff = now().addingTimeInterval(-Double(maxAge.components.seconds))
        for index in 1...options.maxFiles {
            let path = "\(options.path).\(index)"
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { continue }
            if modified < cutoff { try? FileManager.default.removeItem(atPath: path) }
        }
    }
}
