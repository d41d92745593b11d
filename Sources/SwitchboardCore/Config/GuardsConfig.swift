/// `guards`: what the gateway checks in what servers tell models (tool definitions), and how
/// it pins them against later change.
public struct GuardsConfig: Sendable, Equatable {
    /// `guards.enabled`: scan and pin definitions (off: lists pass as servers send them).
    public var enabled: Bool
    /// `guards.rules`: a rule file applied over the built-in rules (replace, add, switch off).
    public var rules: String?
    /// `guards.refresh`: how often every server's tools are listed again, so a server that
    /// changes its tools without announcing it is caught within this time.
    public var refresh: Duration
    /// `guards.mode`, `guards.trust_on_first_use` and `guards.results`: the default of every
    /// server.
    public var server: ServerGuardsConfig
    /// `guards.flow`: what a caller who was shown certain findings may call next.
    public var flow: FlowGuardConfig = .init()

    public init(enabled: Bool = true, rules: String? = nil, refresh: Duration = .seconds(300), server: ServerGuardsConfig = .init()) {
        self.enabled = enabled
        self.rules = rules
        self.refresh = refresh
        self.server = server
    }

    /// What `guards.results` means for `tool` of `server` with nothing configured over it:
    /// the tool's settings, then the server's, then the gateway's, then the defaults.
    public func content(server: ContentGuardsConfig = .init(), tool: String? = nil) -> ContentGuardsConfig.Resolved {
        let layers = [tool.flatMap { server.tools[$0] }, server, self.server.results].compactMap { $0 }
        func pick(_ key: KeyPath<ContentGuardsConfig, ContentGuardsConfig.Action?>, _ fallback: ContentGuardsConfig.Action) -> ContentGuardsConfig.Action {
            layers.lazy.compactMap { $0[keyPath: key] }.first ?? fallback
        }
        return .init(secrets: pick(\.secrets, .redact), pii: pick(\.pii, .report), injection: pick(\.injection, .warn), arguments: pick(\.arguments, .report))
    }
}

/// `servers.NAME.guards` (and the defaults in `guards`).
public struct ServerGuardsConfig: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// New (without trust on first use), changed and blocked definitions are hidden and
        /// their calls refused until an operator approves them.
        case enforce
        /// Recorded, logged and audited; nothing hidden.
        case warn
        /// Listed as `warn` lists, but every call to a tool whose definition is not approved
        /// (new without trust on first use, changed, flagged) waits for a human's approval.
        case approve
        /// Neither scanned nor pinned.
        case off
    }

    /// nil: the gateway-wide default (`enforce`).
    public var mode: Mode?
    /// nil: the gateway-wide default (true): a new definition the scanner does not block is
    /// approved as first seen. False: every new definition waits for an operator.
    public var trustOnFirstUse: Bool?

    /// What tools return and are sent (`results`); unset keys fall through to the gateway's.
    public var results: ContentGuardsConfig

    public init(mode: Mode? = nil, trustOnFirstUse: Bool? = nil, results: ContentGuardsConfig = .init()) {
        self.mode = mode
        self.trustOnFirstUse = trustOnFirstUse
        self.results = results
    }
}

/// `guards.results`, `servers.NAME.guards.results` and `….results.tools.TOOL`: what the
/// gateway does with secrets, personal data and instructions to the model in results, and
/// with secrets in the arguments a call sends. Unset keys fall through (tool, server, gateway,
/// then the defaults: secrets redacted, personal data reported, instructions marked, secrets
/// in arguments reported).
public struct ContentGuardsConfig: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        /// Not looked for.
        case off
        /// Recorded (audit, log, metric), the text left as it is.
        case report
        /// Reported, and the result marked for the model (`injection`): a first content block
        /// saying what was found, and the findings in `_meta`.
        case warn
        /// Replaced in place by `[REDACTED:rule]`.
        case redact
        /// Held until a human releases it to the model (`injection`): asked in the client (form
        /// elicitation, or `input_required` for 2026-07-28); released marked as with `warn`; a
        /// client that cannot be asked gets it withheld, as with `block`.
        case approve
        /// The result is withheld (or the call refused) with -31016.
        case block
    }

    /// The actions each key takes.
    public static let allowed: [String: [Action]] = [
        "secrets": [.off, .report, .redact, .block],
        "pii": [.off, .report, .redact, .block],
        "injection": [.off, .warn, .approve, .block],
        "arguments": [.off, .report, .block],
    ]

    public var secrets: Action?
    public var pii: Action?
    public var injection: Action?
    public var arguments: Action?
    /// Per tool (the server's own name), only under a server.
    public var tools: [String: ContentGuardsConfig]

    public init(secrets: Action? = nil, pii: Action? = nil, injection: Action? = nil, arguments: Action? = nil, tools: [String: ContentGuardsConfig] = [:]) {
        self.secrets = secrets
        self.pii = pii
        self.injection = injection
        self.arguments = arguments
        self.tools = tools
    }

    /// Every key decided.
    public struct Resolved: Sendable, Equatable {
        public var secrets: Action
        public var pii: Action
        public var injection: Action
        public var arguments: Action

        public init(secrets: Action, pii: Action, injection: Action, arguments: Action) {
            self.secrets = secrets
            self.pii = pii
            self.injection = injection
            self.arguments = arguments
        }
    }
}

/// `guards.flow`: a flow rule against the "lethal trifecta". Once a caller's session was shown
/// a result with instructions to the model in it (or the other kinds named in `after`), its
/// calls to tools that can act outside the conversation (destructive, or open to the world, by
/// their hints; a tool without hints counts as both) need a human's approval (`approve`, the
/// default) or are refused (`block`) for `window`. A legacy session is tainted as a whole; a
/// 2026-07-28 caller, which has no session, by its principal.
public struct FlowGuardConfig: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable { case off, approve, block }
    /// The kinds of finding that taint: `injection`, `secret`, `pii`.
    public static let kinds = ["injection", "secret", "pii"]

    public var action: Action
    public var after: [String]
    public var window: Duration

    public init(action: Action = .approve, after: [String] = ["injection"], window: Duration = .seconds(3600)) {
        self.action = action
        self.after = after
        self.window = window
    }
}

/// `approvals`: calls a policy holds for a human (`effect: require_approval`).
public struct ApprovalsConfig: Sendable, Equatable {
    public enum Scope: String, Sendable, CaseIterable {
        /// The approved call once.
        case once
        /// The same call (same caller, tool and arguments) again in the same session.
        case session
        /// The same call again for an hour.
        case hour
    }

    /// `approvals.timeout`: how long a request waits for a decision (and an approval for its
    /// call); default 15 minutes.
    public var timeout: Duration
    /// `approvals.scope`: how far an approval reaches unless the approver says otherwise.
    public var scope: Scope

    public init(timeout: Duration = .seconds(900), scope: Scope = .once) {
        self.timeout = timeout
        self.scope = scope
    }
}
