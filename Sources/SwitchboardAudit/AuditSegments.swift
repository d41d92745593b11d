#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The journal's files: `<first seq, 20 digits>.jsonl` in one folder, in seq order, so a
/// listing sorted by name is the trail in order.
package enum AuditSegments {
    package static func name(firstSeq: UInt64) -> String {
        let digits = String(firstSeq)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".jsonl"
    }

    /// The segment files in `directory`, in order (names only).
    package static func list(_ directory: String) throws(AuditFailure) -> [String] {
        guard let handle = opendir(directory) else {
            throw AuditFailure("cannot read the audit journal \(directory): \(errnoText())")
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.count == 26, name.hasSuffix(".jsonl"), name.prefix(20).allSatisfy(\.isASCIIDigit) { names.append(name) }
        }
        return names.sorted()
    }

    /// The whole file, or nil when it does not exist; without the zeros at its end, which are
    /// the unwritten part of a segment reserved at its full size (a segment being written, or
    /// one its gateway left in a crash). A line never holds a zero byte: JSON escapes it.
    package static func contents(of path: String) throws(AuditFailure) -> [UInt8]? {
        guard var bytes = try rawContents(of: path) else { return nil }
        if let last = bytes.lastIndex(where: { $0 != 0 }) {
            bytes.removeSubrange((last + 1)...)
        } else {
            bytes.removeAll()
        }
        return bytes
    }

    private static func rawContents(of path: String) throws(AuditFailure) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw AuditFailure("cannot read \(path): \(errnoText())")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw AuditFailure("cannot read \(path): \(errnoText())")
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    /// The lines of a segment: each one's bytes without its newline and whether it had one
    /// (only the last can lack it: a write torn by a crash).
    package static func lines(_ bytes: [UInt8]) -> [(bytes: ArraySlice<UInt8>, terminated: Bool, offset: Int)] {
        var lines: [(ArraySlice<UInt8>, Bool, Int)] = []
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            lines.append((bytes[start..<index], true, start))
            start = index + 1
        }
        if start < bytes.count { lines.append((bytes[start..<bytes.count], false, start)) }
        return lines
    }

    /// `open(2)`, for types that have an `open` of their own.
    package static func openFile(_ path: String, _ flags: CInt, _ mode: Int) -> CInt {
        open(path, flags, mode_t(mode))
    }

    /// `close(2)`, for types that have a `close()` of their own.
    package static func closeFile(_ fd: CInt) {
        close(fd)
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
