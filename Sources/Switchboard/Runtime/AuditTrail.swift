#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import ServiceLifecycle
import SwitchboardAudit
import SwitchboardCore
import SwitchboardDataPlane

/// The audit trail as the runtime opens it from `audit`: the journal (repaired if a crash left
/// it torn) and the key of its digests.
enum AuditTrail {
    static func open(_ config: AuditConfig, logger: Logger) throws -> CallAudit {
        let journal = try AuditJournal(.init(directory: config.journal, segmentBytes: config.segmentBytes, syncInterval: config.syncInterval))
        do {
            let key = try digestKey(config)
            logger.info("audit trail open", metadata: [
                "switchboard.audit_journal": "\(config.journal)", "switchboard.audit_seq": "\(journal.lastSeq)",
                "switchboard.on_failure": "\(config.onFailure.rawValue)",
            ])
            return CallAudit(journal: journal, digester: AuditDigester(key: key), failClosed: config.onFailure == .failClosed, logger: logger)
        } catch {
            journal.close()
            throw error
        }
    }

    /// `audit.digest_key_file`, or `digest.key` in the journal folder, made once (32 random
    /// bytes, mode 0600) when missing.
    static func digestKey(_ config: AuditConfig) throws -> [UInt8] {
        let path = config.digestKeyFile ?? config.journal + "/digest.key"
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count >= 16 else { throw AuditFailure("the audit digest key \(path) is shorter than 16 bytes") }
            return Array(data)
        }
        guard config.digestKeyFile == nil else { throw AuditFailure("cannot read the audit digest key \(path)") }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let fd = AuditSegments.openFile(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditFailure("cannot create the audit digest key \(path): \(String(cString: strerror(errno)))") }
        defer { AuditSegments.closeFile(fd) }
        guard key.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == key.count else {
            throw AuditFailure("cannot write the audit digest key \(path): \(String(cString: strerror(errno)))")
        }
        return key
    }
}

/// Closes the trail once the gateway has stopped (it starts before the gateway, so it stops
/// after it): the last answers' records are in, then `audit.closed`, synced.
struct AuditService: Service {
    let audit: CallAudit

    func run() async throws {
        try? await gracefulShutdown()
        audit.journal.close()
    }
}
