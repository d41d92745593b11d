import Crypto
import Foundation
import NIOCore
import NIOHTTP1
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
        var body: [UInt8] = []
        for entry in entries {
            body += entry.line
            body.append(UInt8(ascii: "\n"))
        }
        var fields = HTTPHeaders()
        for header in headers { fields.add(name: header.name, value: header.value) }
        fields.replaceOrAdd(name: "Content-Type", value: "application/x-ndjson")
        fields.replaceOrAdd(name: "Idempotency-Key", value: "\(journal):\(first.seq)-\(last.seq)")
        fields.replaceOrAdd(name: "X-Switchboard-Audit-Records", value: "\(first.seq)-\(last.seq)")
        if let secret {
            let mac = HMAC<SHA256>.authenticationCode(for: body, using: secret)
            fields.replaceOrAdd(name: "X-Switchboard-Signature", value: "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
        }
        let response: OneShotHTTPResponse
        do {
            response = try client.execute(method: .POST, headers: fields, body: body).wait()
        } catch {
            throw AuditFailure("webhook \(client.url.redacted): \(error)")
        }
        guard (200..<300).contains(response.status) else {
            throw AuditFailure("webhook \(client.url.redacted) answered \(response.status) for records \(first.seq)–\(last.seq)")
        }
    }
}
