/// `policy`: who may call which tool with which arguments. Rules are tried in file order and the
/// first whose matchers all hold decides; when none matches, `defaultEffect` does. Compiled once
/// per load by `CompiledPolicy` (target `SwitchboardPolicy`).
public struct PolicyConfig: Sendable, Equatable {
    /// What a denied `tools/call` looks like to the caller (`denied_calls`).
    public enum DeniedCalls: String, Sendable, Equatable, CaseIterable {
        /// An error that names the rule and the policy version, so the caller can tell why.
        case explain
        /// The same error as for a tool that does not exist, so a caller cannot probe for tools
        /// hidden from it.
        case unknownTool = "unknown_tool"
    }

    /// `default`: the decision when no rule matches; `allow` or `deny`.
    public var defaultEffect: PolicyEffect
    /// `version`: a label recorded with every decision. When nil, the engine derives one from
    /// the default and the rules, so the same rules always carry the same version.
    public var version: String?
    public var deniedCalls: DeniedCalls
    /// `rules`, in file order.
    public var rules: [PolicyRuleConfig]

    public init(
        defaultEffect: PolicyEffect = .allow,
        version: String? = nil,
        deniedCalls: DeniedCalls = .explain,
        rules: [PolicyRuleConfig] = []
    ) {
        self.defaultEffect = defaultEffect
        self.version = version
        self.deniedCalls = deniedCalls
        self.rules = rules
    }
}
