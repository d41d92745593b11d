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

    package func write(_ seq: UInt64) throws(AuditFailure) {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temporary = path + ".new"
            guard FileManager.default.createFile(atPath: temporary, contents: Data("\(seq)\n".utf8), attributes: [.posixPermissions: 0o600]) else {
                throw AuditFailure("cannot write \(temporary)")
            }
            if rename(temporary, path) != 0 { throw AuditFailure("cannot replace \(path): \(String(cString: strerror(errno)))") }
        } catch let failure as AuditFailure {
            throw failure
        } catch {
            throw AuditFailure("cannot write the audit sink cursor \(path): \(error)")
        }
    }
}
