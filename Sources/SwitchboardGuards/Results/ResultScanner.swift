package import NIOCore
package import SwitchboardCore

/// Secrets and personal data in what a tool returns (a `CallToolResult`): one pass over the
/// text a model will read — `content` text, embedded resources' text, and every string leaf of
/// `structuredContent`. Secrets are redacted in place as `[REDACTED:rule]`, the same way in
/// `content` and `structuredContent`, so the result stays valid and consistent; personal data
/// is reported (redacted too with `redactPII`). A result with nothing to redact is returned
/// byte for byte. Findings never carry the matched value.
package enum ResultScanner {
    package struct Finding: Sendable, Equatable {
        package var rule: String
        /// `secret` or `pii`.
        package var kind: String
        /// Where: `content[0].text`, `structuredContent.user.email`.
        package var path: String
        /// Redacted in the result.
        package var redacted: Bool
    }

    package struct Outcome: Sendable {
        package var findings: [Finding]
        /// The result with its secrets redacted; nil when nothing was (the original stands).
        package var redacted: ByteBuffer?
    }

    package static func scan(_ result: JSONView, redactPII: Bool = false) -> Outcome {
        var findings: [Finding] = []
        var replaced = false
        var w = JSONWriter()
        write(result, path: "", into: &w, findings: &findings, replaced: &replaced, redactPII: redactPII, scanned: false)
        return Outcome(findings: findings, redacted: replaced ? w.buffer : nil)
    }

    /// Writes `value`, scanning the strings a model reads (`scanned`: inside `content` text,
    /// an embedded resource's text, or `structuredContent`).
    private static func write(_ value: JSONView, path: String, into w: inout JSONWriter, findings: inout [Finding], replaced: inout Bool,
                              redactPII: Bool, scanned: Bool) {
        switch value.kind {
        case .object:
            w.beginObject()
            for (key, member) in value.members {
                w.key(key)
                let here = path.isEmpty ? key : path + "." + key
                let reads = scanned || key == "structuredContent" || (key == "text" && (path.hasSuffix("]") || path.hasSuffix(".resource")))
                write(member, path: here, into: &w, findings: &findings, replaced: &replaced, redactPII: redactPII, scanned: reads)
            }
            w.endObject()
        case .array:
            w.beginArray()
            for (i, element) in value.elements.enumerated() {
                write(element, path: "\(path)[\(i)]", into: &w, findings: &findings, replaced: &replaced, redactPII: redactPII, scanned: scanned)
            }
            w.endArray()
        case .string where scanned:
            let text = value.string ?? ""
            let (out, found) = redact(text, redactPII: redactPII)
            findings += found.map { Finding(rule: $0.rule, kind: $0.kind, path: path, redacted: $0.redacted) }
            if found.contains(where: \.redacted) {
                replaced = true
                w.string(out)
            } else {
                w.raw(value.bytes)
            }
        default:
            w.raw(value.bytes)
        }
    }

    /// `text` with its secrets (and, with `redactPII`, personal data) replaced.
    package static func redact(_ text: String, redactPII: Bool) -> (String, [(rule: String, kind: String, redacted: Bool)]) {
        let bytes = Array(text.utf8)
        let secrets = SecretDetector.find(in: bytes).map { ($0, "secret", true) }
        let pii = PIIDetector.find(in: bytes).filter { p in !secrets.contains { $0.0.range.overlaps(p.range) } }.map { ($0, "pii", redactPII) }
        let all = (secrets + pii).sorted { $0.0.range.lowerBound < $1.0.range.lowerBound }
        guard !all.isEmpty else { return (text, []) }
        var out: [UInt8] = []
        var at = 0
        for (match, _, redacted) in all where redacted && match.range.lowerBound >= at {
            out += bytes[at..<match.range.lowerBound]
            out += Array("[REDACTED:\(match.rule)]".utf8)
            at = match.range.upperBound
        }
        out += bytes[at...]
        return (String(decoding: out, as: UTF8.self), all.map { ($0.0.rule, $0.1, $0.2) })
    }
}
