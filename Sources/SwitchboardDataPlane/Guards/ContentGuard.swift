import Metrics
package import NIOCore
package import SwitchboardCore
package import SwitchboardGuards
import Synchronization

/// The guards on what flows through a call (`guards.results`): secrets, personal data and
/// instructions to the model in what tools, prompts and resources return, and secrets in the
/// arguments a call sends. Each server (and tool) has its actions; the scan itself is
/// `ResultScanner`, which clears most results from their raw bytes without parsing them.
///
/// Runs on the event loop, inline: a clean result costs the prefilters' one pass over its
/// bytes, and only a result with findings is walked and rewritten.
package final class ContentGuard: Sendable {
    package typealias Treatment = ContentGuardsConfig.Resolved

    /// A tool's (or server's) actions with the screening they make, built once at start: the
    /// call path only looks them up.
    private struct Plan: Sendable {
        var treatment: Treatment
        var screening: ResultScanner.Screening

        init(_ treatment: Treatment, injection: InjectionScreen) {
            self.treatment = treatment
            screening = ResultScanner.Screening(
                secrets: Self.screened(treatment.secrets), pii: Self.screened(treatment.pii), injection: treatment.injection == .off ? nil : injection
            )
        }

        private static func screened(_ action: ContentGuardsConfig.Action) -> ResultScanner.Screening.Treatment {
            switch action {
            case .off: .off
            case .redact: .redact
            case .report, .warn, .approve, .block: .find
            }
        }
    }

    private struct ServerPlans: Sendable {
        var all: Plan
        var tools: [String: Plan]
    }

    private let servers: [String: ServerPlans]
    private let fallback: Plan
    /// The rules outgrew the result screen's prefilter: every result takes the full read.
    package let readsEveryResult: Bool
    /// `guards.flow` (nil when its action is `off`): who was shown what, and what they may call next.
    package let flow: FlowGuard?

    package init(config: GatewayConfig, scanner: DefinitionScanner) {
        let injection = InjectionScreen(scanner: scanner)
        readsEveryResult = injection.readsEverything
        var servers: [String: ServerPlans] = [:]
        for server in config.servers {
            var tools: [String: Plan] = [:]
            for name in server.guards.results.tools.keys {
                tools[name] = Plan(config.guards.content(server: server.guards.results, tool: name), injection: injection)
            }
            servers[server.name] = ServerPlans(all: Plan(config.guards.content(server: server.guards.results), injection: injection), tools: tools)
        }
        self.servers = servers
        fallback = Plan(config.guards.content(), injection: injection)
        flow = config.guards.flow.action == .off ? nil : FlowGuard(config.guards.flow)
    }

    /// `tool` is asked for only when the server has per-tool settings (reading a call's tool
    /// name costs a lookup in its params).
    private func plan(server: String, tool: () -> String?) -> Plan {
        guard let entry = servers[server] else { return fallback }
        guard !entry.tools.isEmpty, let name = tool() else { return entry.all }
        return entry.tools[name] ?? entry.all
    }

    package func treatment(server: String, tool: String?) -> Treatment {
        plan(server: server) { tool }.treatment
    }

    /// What to do with a call or its answer.
    package enum Verdict: Sendable {
        case pass
        /// Findings to record; `replaced` is the rewritten result, when it was.
        case found([ResultScanner.Finding], replaced: ByteBuffer?)
        case blocked(GuardBlock, [ResultScanner.Finding])
        /// Instructions found under `injection: approve`: `release` (marked, redacted) goes
        /// to the model only once a human says so; `block` is what the caller is told if not.
        case held([ResultScanner.Finding], release: ByteBuffer, block: GuardBlock)
    }

    /// Secrets in the arguments of a `tools/call` (`params` is the call's): reported, or the
    /// call refused (`ResultScanner.scan(argumentsOf:)`).
    package func screen(params: JSONView?, server: String, tool: String) -> Verdict {
        guard let params else { return .pass }
        let action = treatment(server: server, tool: tool).arguments
        guard action != .off else { return .pass }
        let findings = ResultScanner.scan(argumentsOf: params)
        guard !findings.isEmpty else { return .pass }
        Self.count(findings, server: server, direction: "arguments", action: action)
        if action == .block { return .blocked(GuardBlock(direction: .arguments, server: server, tool: tool, findings: findings), findings) }
        return .found(findings, replaced: nil)
    }

    /// A result of `tools/call`, `prompts/get` or `resources/read` from `server`: passed,
    /// rewritten (redacted, marked) or withheld.
    package func screen(result: JSONView, method: String, server: String, tool: () -> String?) -> Verdict {
        let plan = plan(server: server, tool: tool)
        let treatment = plan.treatment
        let outcome = ResultScanner.scan(result, plan.screening)
        guard !outcome.findings.isEmpty else { return .pass }
        for (kind, action) in [("secret", treatment.secrets), ("pii", treatment.pii), ("injection", treatment.injection)] {
            let found = outcome.findings.filter { $0.kind == kind }
            guard !found.isEmpty else { continue }
            Self.count(found, server: server, direction: "result", action: action)
        }
        let blocking = outcome.findings.filter { finding in
            switch finding.kind {
            case "secret": treatment.secrets == .block
            case "pii": treatment.pii == .block
            default: treatment.injection == .block
            }
        }
        if !blocking.isEmpty {
            return .blocked(GuardBlock(direction: .result, server: server, tool: tool(), findings: blocking), outcome.findings)
        }
        let injected = outcome.findings.filter { $0.kind == "injection" }
        let marked = (treatment.injection == .warn || treatment.injection == .approve) && !injected.isEmpty
        guard outcome.redacted != nil || marked else { return .found(outcome.findings, replaced: nil) }
        let base = outcome.redacted.flatMap { try? JSONView.parse($0, maxDepth: 256) } ?? result
        let replaced = ResultMarking.mark(base, findings: outcome.findings, notice: marked && method == MCPMethod.toolsCall)
        if treatment.injection == .approve, !injected.isEmpty {
            return .held(outcome.findings, release: replaced, block: GuardBlock(direction: .result, server: server, tool: tool(), findings: injected))
        }
        return .found(outcome.findings, replaced: replaced)
    }

    /// A line for the call's audit record and log: kinds, rules and paths, never the text.
    package static func summary(_ findings: [ResultScanner.Finding]) -> String {
        findings.prefix(8).map { "\($0.kind) \($0.rule) at \($0.path)" + ($0.redacted ? " (redacted)" : "") }.joined(separator: "; ")
            + (findings.count > 8 ? "; and \(findings.count - 8) more" : "")
    }

    // MARK: Metrics

    /// `switchboard_guard_content_findings_total{server,direction,kind,action}`: labels from
    /// config and fixed sets, so bounded.
    private static let counters = Mutex<[String: Counter]>([:])

    private static func count(_ findings: [ResultScanner.Finding], server: String, direction: String, action: ContentGuardsConfig.Action) {
        for finding in findings {
            let key = "\(server)\u{0}\(direction)\u{0}\(finding.kind)\u{0}\(action.rawValue)"
            let counter = counters.withLock { counters in
                if let counter = counters[key] { return counter }
                let counter = Counter(label: "switchboard_guard_content_findings_total", dimensions: [
                    ("server", server), ("direction", direction), ("kind", finding.kind), ("action", action.rawValue),
                ])
                counters[key] = counter
                return counter
            }
            counter.increment()
        }
    }
}

/// A result or a call the guards refused, as the caller is told: what and where, never the
/// matched text.
package struct GuardBlock: Sendable, Equatable {
    package enum Direction: String, Sendable { case result, arguments, flow }

    package var direction: Direction
    package var server: String
    package var tool: String?
    package var kinds: [String]
    package var rules: [String]

    package init(direction: Direction, server: String, tool: String?, findings: [ResultScanner.Finding]) {
        self.direction = direction
        self.server = server
        self.tool = tool
        kinds = Array(Set(findings.map(\.kind))).sorted()
        rules = Array(Set(findings.map(\.rule))).sorted()
    }

    /// A call refused by `guards.flow`: what tainted the caller, and the flow rule.
    package init(flow taint: FlowGuard.Taint, server: String, tool: String) {
        direction = .flow
        self.server = server
        self.tool = tool
        kinds = [String(taint.reason.prefix { $0 != " " })]
        rules = [FlowGuard.rule]
    }

    var message: String {
        let what = kinds.map { $0 == "pii" ? "personal data" : $0 == "secret" ? "a secret" : "instructions to the model" }.joined(separator: " and ")
        switch direction {
        case .result: return "Result withheld by the gateway's guards: it contained \(what) (\(rules.joined(separator: ", ")))"
        case .arguments: return "Call refused by the gateway's guards: its arguments contain \(what) (\(rules.joined(separator: ", ")))"
        case .flow:
            return "Call refused by the gateway's guards: this conversation was shown \(what) in a tool result, "
                + "and \(tool ?? "this tool") can act outside it (\(rules.joined(separator: ", ")))"
        }
    }

    var data: ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("reason", direction.rawValue + "_blocked")
        w.field("server", server)
        if let tool { w.field("tool", tool) }
        w.key("kinds")
        w.beginArray()
        for kind in kinds { w.string(kind) }
        w.endArray()
        w.key("rules")
        w.beginArray()
        for rule in rules { w.string(rule) }
        w.endArray()
        w.endObject()
        return w.buffer
    }
}
