#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A sink's cursor kept in `<journal>/cursors/<sink>`: the seq of the last record it
/// delivered, as decimal text. Replaced whole (write, then rename) so a crash leaves the old
/// value or the new one, never half of one.
package struct AuditCursorFile: Sendable {
    package let path: String

    package init(journal: String, sink: String) {
        path = journal + "/cursors/" + sink
    }

    /// 0 when the sink has no cursor yet (it starts at the journal's first record).
    package func read() throws(AuditFailure) -> UInt64 {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let seq = UInt64(text) else { throw AuditFailure("the audit sink cursor \(path) does not hold a seq (\"\(text.prefix(40))\"); delete it to deliver again from the journal's start") }
        return seq
    }

    /// Written to `<path>.new` and renamed over the old file, without an fsync: a power loss
    /// may bring back an older cursor, and so records delivered again, which is what at least
    /// once allows.
    package func write(_ seq: UInt64) throws(AuditFailure) {
        let folder = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw AuditFailure("cannot make the audit sink cursors folder \(folder): \(error)")
            }
        }
        let temporary = path + ".new"
        let fd = AuditSegments.openFile(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditFailure("cannot write \(temporary): \(AuditSegments.errnoText())") }
        let text = Array("\(seq)\n".utf8)
        let written = text.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        AuditSegments.closeFile(fd)
        guard written == text.count else { throw AuditFailure("cannot write \(temporary): \(AuditSegments.errnoText())") }
        if rename(temporary, path) != 0 { throw AuditFailure("cannot replace \(path): \(AuditSegments.errnoText())") }
    }
}
