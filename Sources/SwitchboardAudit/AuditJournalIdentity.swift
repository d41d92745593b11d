import Foundation

/// A journal's name in the places it is copied to (`journal.id` in its folder: 16 random
/// bytes in hex, made once), so the records of several journals (replicas, a journal moved
/// to another path) stay apart in one store, each keyed by (journal, seq).
package enum AuditJournalIdentity {
    package static func read(_ directory: String) throws(AuditFailure) -> String {
        let path = directory + "/journal.id"
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.count == 32, text.allSatisfy(\.isHexDigit) else { throw AuditFailure("\(path) does not hold a journal id (32 hex digits)") }
            return text
        }
        var generator = SystemRandomNumberGenerator()
        let id = (0..<16).map { _ in String(UInt8.random(in: .min ... .max, using: &generator), radix: 16).leftPadded(to: 2) }.joined()
        guard FileManager.default.createFile(atPath: path, contents: Data((id + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw AuditFailure("cannot write the journal id \(path)")
        }
        return id
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
