import SwitchboardAudit
package import SwitchboardCore
import SwitchboardPolicy

/// `audit.capture` compiled: for a call's tool, whether the trail keeps its arguments and its
/// result, and how they are redacted. The first entry whose globs match the tool decides.
package struct AuditCapture: Sendable {
    package struct Rule: Sendable {
        let tools: [Glob]
        let arguments: Bool
        let result: Bool
        let redaction: AuditRedaction
    }

    let rules: [Rule]

    /// Nil when the config captures nothing (the usual case: no lookup per call).
    package init?(_ config: [AuditCaptureConfig]) {
        guard !config.isEmpty else { return nil }
        rules = config.map { entry in
            Rule(
                tools: entry.tools.map(Glob.init), arguments: entry.arguments, result: entry.result,
                redaction: AuditRedaction(words: AuditCaptureConfig.defaultRedactions + entry.redact, maxBytes: entry.maxBytes)
            )
        }
    }

    func rule(for tool: String) -> Rule? {
        rules.first { rule in rule.tools.contains { $0.matches(tool) } }
    }
}
