public import NIOCore
public import SwitchboardCore

/// Secrets, personal data and instructions to the model in what a tool returns (a
/// `CallToolResult`, a `GetPromptResult`, a `ReadResourceResult`): one pass over the text a
/// model will read — `content` text, embedded resources' text, prompt messages, resource
/// contents, and every string leaf of `structuredContent`. Secrets are redacted in place as
/// `[REDACTED:rule]`, the same way in `content` and `structuredContent`, so the result stays
/// valid and consistent; personal data is reported (or redacted); instructions are reported
/// (`InjectionScreen`). Findings never carry the matched value.
///
/// Most results hold none of these: the raw bytes are read first by a prefilter (with
/// instructions looked for, `InjectionScreen.mightMatch`, which also finds where a secret or
/// personal data may start; else the detectors' own), and only a result it cannot clear is
/// parsed, walked and rewritten. A result with nothing to redact is returned byte for byte.
public enum ResultScanner {
    public struct Finding: Sendable, Equatable {
        public var rule: String
        /// `secret`, `pii` or `injection`.
        public var kind: String
        /// Where: `content[0].text`, `structuredContent.user.email`.
        public var path: String
        /// Redacted in the result.
        public var redacted: Bool

        package init(rule: String, kind: String, path: String, redacted: Bool) {
            self.rule = rule
            self.kind = kind
            self.path = path
            self.redacted = redacted
        }
    }

    /// What is looked for, and what is redacted.
    public struct Screening: Sendable {
        public enum Treatment: Sendable { case off, find, redact }
        public var secrets: Treatment
        public var pii: Treatment
        /// Nil: instructions are not looked for.
        package var injection: InjectionScreen?

        package init(secrets: Treatment = .redact, pii: Treatment = .find, injection: InjectionScreen? = nil) {
            self.secrets = secrets
            self.pii = pii
            self.injection = injection
        }

        /// The gateway's defaults with the built-in rules: secrets redacted, personal data
        /// and instructions reported.
        public static let standard = Screening(injection: InjectionScreen(scanner: DefinitionScanner()))

        var isOff: Bool { secrets == .off && pii == .off && injection == nil }
    }

    public struct Outcome: Sendable {
        public var findings: [Finding]
        /// The result with its secrets redacted; nil when nothing was (the original stands).
        public var redacted: ByteBuffer?
    }

    public static func scan(_ result: JSONView, _ screening: Screening) -> Outcome {
        guard !screening.isOff, mayHoldFindings(result.bytes, screening) else { return Outcome(findings: [], redacted: nil) }
        var findings: [Finding] = []
        var replaced = false
        var w = JSONWriter()
        write(result, path: "", into: &w, findings: &findings, replaced: &replaced, screening: screening, scanned: false)
        return Outcome(findings: findings, redacted: replaced ? w.buffer : nil)
    }

    /// `scan` with secrets redacted and personal data reported (redacted too with `redactPII`).
    package static func scan(_ result: JSONView, redactPII: Bool = false) -> Outcome {
        scan(result, Screening(pii: redactPII ? .redact : .find))
    }

    /// Secrets in the arguments of a call: every string leaf is read (paths from
    /// `arguments`), nothing is rewritten.
    package static func scan(arguments: JSONView) -> [Finding] {
        guard mayHoldSecrets(arguments.bytes) else { return [] }
        return walk(arguments: arguments)
    }

    /// Secrets in the `arguments` of a call's `params`, read first as a whole: most calls
    /// hold none, and then `arguments` is never looked up (which would scan it once more).
    package static func scan(argumentsOf params: JSONView) -> [Finding] {
        guard mayHoldSecrets(params.bytes), let arguments = params["arguments"] else { return [] }
        return walk(arguments: arguments)
    }

    private static func walk(arguments: JSONView) -> [Finding] {
        var findings: [Finding] = []
        var replaced = false
        var w = JSONWriter()
        write(arguments, path: "arguments", into: &w, findings: &findings, replaced: &replaced, screening: Screening(secrets: .find, pii: .off), scanned: true)
        return findings
    }

    /// Whether raw JSON may hold a secret: false when `scan(arguments:)` of it, or of any
    /// value inside it, would find none.
    package static func mayHoldSecrets(_ bytes: ByteBuffer) -> Bool {
        bytes.withUnsafeReadableBytes { SecretDetector.mayHold(rawJSON: $0.assumingMemoryBound(to: UInt8.self)) }
    }

    /// The prefilters over the raw bytes: false when no detector can find anything in them.
    private static func mayHoldFindings(_ bytes: ByteBuffer, _ screening: Screening) -> Bool {
        bytes.withUnsafeReadableBytes { raw in
            let text = raw.assumingMemoryBound(to: UInt8.self)
            // All three in one pass, when instructions are looked for too.
            if let injection = screening.injection {
                return injection.mightMatch(text, secrets: screening.secrets != .off, pii: screening.pii != .off)
            }
            return (screening.secrets != .off && SecretDetector.mayHold(rawJSON: text))
                || (screening.pii != .off && !PIIDetector.find(in: text).isEmpty)
        }
    }

    /// Writes `value`, scanning the strings a model reads (`scanned`: inside `content` text,
    /// an embedded resource's text, or `structuredContent`).
    private static func write(_ value: JSONView, path: String, into w: inout JSONWriter, findings: inout [Finding], replaced: inout Bool,
                              screening: Screening, scanned: Bool) {
        switch value.kind {
        case .object:
            w.beginObject()
            for (key, member) in value.members {
                w.key(key)
                let here = path.isEmpty ? key : path + "." + key
                // `content[i].text`, `….resource.text`, `messages[i].content.text`, `contents[i].text`.
                let reads = scanned || key == "structuredContent"
                    || (key == "text" && (path.hasSuffix("]") || path.hasSuffix(".resource") || path.hasSuffix(".content")))
                write(member, path: here, into: &w, findings: &findings, replaced: &replaced, screening: screening, scanned: reads)
            }
            w.endObject()
        case .array:
            w.beginArray()
            for (i, element) in value.elements.enumerated() {
                write(element, path: "\(path)[\(i)]", into: &w, findings: &findings, replaced: &replaced, screening: screening, scanned: scanned)
            }
            w.endArray()
        case .string where scanned:
            let text = value.string ?? ""
            let (out, found) = redact(text, screening)
            findings += found.map { Finding(rule: $0.rule, kind: $0.kind, path: path, redacted: $0.redacted) }
            if let injection = screening.injection {
                findings += injection.findings(in: text, path: path).map { Finding(rule: $0.rule, kind: "injection", path: path, redacted: false) }
            }
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

    /// `text` with its secrets (and personal data, as `screening` says) replaced.
    static func redact(_ text: String, _ screening: Screening) -> (String, [(rule: String, kind: String, redacted: Bool)]) {
        let bytes = Array(text.utf8)
        let secrets = screening.secrets == .off ? [] : SecretDetector.find(in: bytes).map { ($0, "secret", screening.secrets == .redact) }
        let pii = screening.pii == .off ? [] : PIIDetector.find(in: bytes).filter { p in !secrets.contains { $0.0.range.overlaps(p.range) } }
            .map { ($0, "pii", screening.pii == .redact) }
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
