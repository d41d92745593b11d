import Crypto
import Foundation
import NIOCore
import SwitchboardAudit
import SwitchboardCore
import SwitchboardIdentity

/// POSTs each batch as `application/x-ndjson` (the journal lines, in seq order) to a URL,
/// until it answers 2xx; anything else is a failure and the same batch goes again after the
/// runner's back-off, so a receiver that is down loses nothing. `Idempotency-Key` is the
/// journal id and the batch's seq range, the same on every attempt; with a secret the body
/// is signed (`X-Switchboard-Signature: sha256=<hex HMAC-SHA256>`), so the receiver can tell
/// the gateway sent it.
final class AuditWebhookSink: AuditSink {
    let name: String
    private let client: OneShotHTTPClient
    private let headers: [HTTPHeaderField]
    private let secret: SymmetricKey?
    private let journal: String

    init(name: String, config: AuditSinkConfig.Webhook, journal: String, group: any EventLoopGroup) throws {
        self.name = name
        client = OneShotHTTPClient(url: config.url, group: group, timeout: config.timeout.timeAmount, maxBodyBytes: 64 * 1024)
        headers = config.headers
        self.journal = journal
        if let file = config.secretFile {
            guard let data = FileManager.default.contents(atPath: file), !data.isEmpty else {
                throw AuditFailure("audit sink \(name): cannot read the webhook secret \(file)")
            }
            secret = SymmetricKey(data: Data(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8))
        } else {
            secret = nil
        }
    }

    func deliver(_ entries: [AuditEntry]) throws {
        guard let first = entries.first, let last = entries.last else { return }
        let body = AuditEntry.jsonl(entries)
        var fields = [
            ("Content-Type", "application/x-ndjson"), ("Idempotency-Key", "\(journal):\(first.seq)-\(last.seq)"),
            ("X-Switchboard-Audit-Records", "\(first.seq)-\(last.seq)"),
        ]
        if let secret {
            let mac = HMAC<SHA256>.authenticationCode(for: body, using: secret)
            fields.append(("X-Switchboard-Signature", "sha256=" + mac.map { String(format: "%02x", $0) }.joined()))
        }
        do {
            try HTTPExport.post(body, with: client, headers: headers, fields: fields)
        } catch {
            throw AuditFailure("webhook \(error) for records \(first.seq)–\(last.seq)")
        }
    }
}
