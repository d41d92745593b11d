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
    /// `guards.mode` and `guards.trust_on_first_use`: the default of every server.
    public var server: ServerGuardsConfig

    public init(enabled: Bool = true, rules: String? = nil, refresh: Duration = .seconds(300), server: ServerGuardsConfig = .init()) {
        self.enabled = enabled
        self.rules = rules
        self.refresh = refresh
        self.server = server
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
        /// Neither scanned nor pinned.
        case off
    }

    /// nil: the gateway-wide default (`enforce`).
    public var mode: Mode?
    /// nil: the gateway-wide default (true): a new definition the scanner does not block is
    /// approved as first seen. False: every new definition waits for an operator.
    public var trustOnFirstUse: Bool?

    public init(mode: Mode? = nil, trustOnFirstUse: Bool? = nil) {
        self.mode = mode
        self.trustOnFirstUse = trustOnFirstUse
    }
}
