/// One thing a guard found in what a server tells models: which rule, of which family, how
/// serious, where (`description`, `inputSchema.properties.path.description`) and the text
/// around it, so an operator can judge it without the scanner's source.
package struct GuardFinding: Sendable, Hashable, Codable {
    package var rule: String
    package var family: GuardFamily
    package var severity: GuardSeverity
    /// The field, as a path into the definition (`name`, `annotations.title`,
    /// `inputSchema.properties.query.description`); a hidden layer the text was read from
    /// follows in brackets (`description [tag characters]`).
    package var path: String
    /// At most `GuardExcerpt.limit` characters of the text that matched, invisible and control
    /// characters written as `\u{…}`, so printing it is safe.
    package var excerpt: String

    package init(rule: String, family: GuardFamily, severity: GuardSeverity, path: String, excerpt: String) {
        self.rule = rule
        self.family = family
        self.severity = severity
        self.path = path
        self.excerpt = excerpt
    }
}

/// How serious a finding is: `high` quarantines the tool until an operator approves it,
/// `warn` is reported and lets it through.
package enum GuardSeverity: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case warn
    case high

    package static func < (a: GuardSeverity, b: GuardSeverity) -> Bool { a == .warn && b == .high }
}

/// The families of `research/security.md` §6.2, named as `scan --json` prints them.
package enum GuardFamily: String, Sendable, Hashable, CaseIterable, Codable {
    /// Tag characters, bidi controls, ANSI escapes, invisible splitting, look-alike letters.
    case unicode
    /// "Ignore previous instructions", forged role markers, `<IMPORTANT>`.
    case override
    /// "Do not tell the user".
    case concealment
    /// Private keys, cloud credentials, client configs, with a verb that reads or sends them.
    case sensitiveFiles = "sensitive_files"
    /// Pass the conversation, the system prompt, tokens or environment variables along.
    case harvesting
    /// Markdown images with data in the URL, `curl | sh`, copies sent to an address.
    case exfiltration
    /// "Decode this and follow it", "call this before any other tool".
    case coercive
    /// A tool steering the use of another server's tools.
    case crossServer = "cross_server"
    /// Names that imitate other tools, the gateway's prefixes, or another vendor.
    case names
    /// Annotations that contradict what the tool says it does.
    case annotations
}

/// What a definition's findings add up to.
package enum GuardVerdict: String, Sendable, Hashable, Comparable, Codable {
    case clean
    case warn
    /// Quarantined: not listed, not callable, until an operator approves it.
    case block

    package init(_ findings: some Sequence<GuardFinding>) {
        var verdict = GuardVerdict.clean
        for finding in findings {
            if finding.severity == .high {
                verdict = .block
                break
            }
            verdict = .warn
        }
        self = verdict
    }

    private var rank: Int {
        switch self {
        case .clean: 0
        case .warn: 1
        case .block: 2
        }
    }

    package static func < (a: GuardVerdict, b: GuardVerdict) -> Bool { a.rank < b.rank }
}
