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
/// it torn), the key of its digests and the key that signs its checkpoints.
enum AuditTrail {
    static func open(_ config: AuditConfig, serverLabels: [String: [String: String]] = [:], logger: Logger) throws -> CallAudit {
        try AuditJournal.makeDirectory(config.journal)
        let digestKey = try secret(config.digestKeyFile, default: config.journal + "/digest.key", minimum: 16, what: "audit digest key")
        let signer = try AuditSigner(
            seed: secret(config.signingKeyFile, default: config.journal + "/checkpoint.key", minimum: 32, what: "audit signing key")
        )
        try publish(signer, in: config.journal)
        let journal = try AuditJournal(.init(
            directory: config.journal, segmentBytes: config.segmentBytes, syncInterval: config.syncInterval, signer: signer,
            checkpointInterval: config.checkpointInterval
        ))
        logger.info("audit trail open", metadata: [
            "switchboard.audit_journal": "\(config.journal)", "switchboard.audit_seq": "\(journal.lastSeq)",
            "switchboard.on_failure": "\(config.onFailure.rawValue)", "switchboard.audit_mode": "\(config.mode.rawValue)", "switchboard.audit_key_id": "\(signer.keyID)",
        ])
        return CallAudit(
            journal: journal, digester: AuditDigester(key: digestKey), failClosed: config.onFailure == .failClosed, strict: config.mode == .strict,
            capture: AuditCapture(config.capture), serverLabels: serverLabels, logger: logger
        )
    }

    /// The key in `configured`, or in `fallback`, made once (32 random bytes, mode 0600) when
    /// missing there; a configured file must exist.
    static func secret(_ configured: String?, default fallback: String, minimum: Int, what: String) throws -> [UInt8] {
        let path = configured ?? fallback
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count >= minimum else { throw AuditFailure("the \(what) \(path) is shorter than \(minimum) bytes") }
            return Array(data)
        }
        guard configured == nil else { throw AuditFailure("cannot read the \(what) \(path)") }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let fd = AuditSegments.openFile(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditFailure("cannot create the \(what) \(path): \(String(cString: strerror(errno)))") }
        defer { AuditSegments.closeFile(fd) }
        guard key.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == key.count else {
            throw AuditFailure("cannot write the \(what) \(path): \(String(cString: strerror(errno)))")
        }
        return key
    }

    /// Adds the signer's public key to `checkpoint.pub` in the journal folder (kept with every
    /// key the trail was ever signed with, so a rotated key's checkpoints still verify).
    static func publish(_ signer: AuditSigner, in journal: String) throws {
        let path = journal + "/checkpoint.pub"
        let current = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let line = "\(signer.keyID) \(signer.publicKey)"
        guard !current.split(separator: "\n").contains(where: { $0 == line }) else { return }
        let text = current + (current.isEmpty || current.hasSuffix("\n") ? "" : "\n") + line + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]) else {
            throw AuditFailure("cannot write the audit public keys \(path)")
        }
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
