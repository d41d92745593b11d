public import SwitchboardCore

/// `policy` compiled once per config load: every glob, pointer and regex built, every decision
/// prepared. Asked on every `tools/call` (`decide`) and for every tool of every `tools/list`
/// (`isVisible`), so both walk the rules without allocating.
public final class CompiledPolicy: Sendable {
    /// `policy.version`, or `fnv:` and 16 hex digits derived from the default and the rules.
    public let version: String
    public let defaultEffect: PolicyEffect
    public let deniedCalls: PolicyConfig.DeniedCalls
    /// Whether any rule matches on tool hints: only then must a call look its tool's hints up.
    public let readsAnnotations: Bool
    private let rules: [CompiledRule]
    private let defaultDecision: PolicyDecision
    /// The `approval` of the `require_approval` rules that have one.
    private let approvalTerms: [String: ApprovalTerms]

    /// Fails on what the config loader also rejects (ids, pointers, regexes), for configs that
    /// did not come through it. `serverLabels`: each server's labels, for rules with
    /// `server_labels`; they are part of the derived version.
    public init(_ config: PolicyConfig, serverLabels: [String: [String: String]] = [:]) throws(PolicyError) {
        let version = config.version ?? PolicyFingerprint.version(of: config, serverLabels: serverLabels)
        var rules: [CompiledRule] = []
        var seen: Set<String> = []
        for rule in config.rules {
            guard seen.insert(rule.id).inserted else { throw PolicyError("duplicate rule id", ruleID: rule.id) }
            rules.append(try CompiledRule(rule, policyVersion: version, serverLabels: serverLabels))
        }
        self.version = version
        self.defaultEffect = config.defaultEffect
        self.deniedCalls = config.deniedCalls
        self.rules = rules
        self.approvalTerms = Dictionary(config.rules.compactMap { rule in rule.approval.map { (rule.id, $0) } }, uniquingKeysWith: { first, _ in first })
        self.readsAnnotations = config.rules.contains { $0.annotations != AnnotationMatchConfig() }
        self.defaultDecision = PolicyDecision(
            effect: config.defaultEffect, ruleID: nil, policyVersion: version,
            explanation: "no rule matched; the default is \(config.defaultEffect)"
        )
    }

    /// The policy of a gateway without a `policy` section: everything allowed.
    public static let allowAll: CompiledPolicy = {
        do {
            return try CompiledPolicy(PolicyConfig())
        } catch {
            preconditionFailure("an empty policy always compiles")
        }
    }()

    /// The first rule whose matchers all hold decides; when none does, the default.
    public func decide(_ call: CallFacts) -> PolicyDecision {
        for rule in rules where rule.matches(call) { return rule.decision }
        return defaultDecision
    }

    /// Whether `tool` is listed to this caller: hidden only when no argument values could get
    /// a call allowed. Rules are walked in order; a rule whose non-argument matchers do not hold
    /// is skipped; one that holds and has argument predicates makes the tool visible unless it
    /// denies (a conditional deny is skipped, a later rule may allow); one without argument
    /// predicates decides (visible unless it denies); with none, visible unless the default denies.
    /// `require_approval` counts as visible: the call can succeed.
    public func isVisible(principal: Principal, virtualServer: String?, tool: ToolFacts) -> Bool {
        for rule in rules where rule.matchesTool(principal: principal, virtualServer: virtualServer, tool: tool) {
            if rule.arguments.isEmpty { return rule.effect != .deny }
            if rule.effect != .deny { return true }
        }
        return defaultEffect != .deny
    }

    /// The decision together with every rule's matcher-by-matcher evaluation.
    public func explain(_ call: CallFacts) -> PolicyTrace {
        let decision = decide(call)
        var traces: [RuleTrace] = []
        var decided = false
        for rule in rules {
            var trace = rule.trace(call, decided: false)
            if trace.matched, !decided {
                trace.decided = true
                decided = true
            }
            traces.append(trace)
        }
        return PolicyTrace(decision: decision, rules: traces)
    }

    /// Who decides a call that `rule` holds for approval (one person in the client unless the
    /// rule says otherwise; also for holds that come from no policy rule).
    public func approvalTerms(of rule: String?) -> ApprovalTerms {
        rule.flatMap { approvalTerms[$0] } ?? ApprovalTerms()
    }

    /// The rule ids in evaluation order.
    public var ruleIDs: [String] { rules.map(\.id) }
}
