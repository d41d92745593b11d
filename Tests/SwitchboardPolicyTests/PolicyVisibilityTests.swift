import SwitchboardCore
import Testing

@testable import SwitchboardPolicy

/// `isVisible`: a tool is hidden only when no arguments could get a call allowed.
@Suite struct PolicyVisibilityTests {
    static let etcOnly = [ArgumentPredicateConfig(pointer: "/path", test: .regex("^/etc/"))]

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let config: PolicyConfig
        let visible: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no rules, default allow", config: PolicyConfig(), visible: true),
        Case(name: "no rules, default deny", config: PolicyConfig(defaultEffect: .deny), visible: false),
        Case(name: "unconditional deny", config: PolicyConfig(rules: [.init(id: "d", effect: .deny)]), visible: false),
        Case(
            name: "conditional deny, default allow",
            config: PolicyConfig(rules: [.init(id: "d", effect: .deny, arguments: etcOnly)]), visible: true
        ),
        Case(
            name: "conditional deny, then unconditional deny",
            config: PolicyConfig(rules: [.init(id: "c", effect: .deny, arguments: etcOnly), .init(id: "d", effect: .deny)]),
            visible: false
        ),
        Case(
            name: "conditional allow under default deny",
            config: PolicyConfig(defaultEffect: .deny, rules: [.init(id: "a", effect: .allow, arguments: etcOnly)]), visible: true
        ),
        Case(
            name: "conditional approval under default deny",
            config: PolicyConfig(defaultEffect: .deny, rules: [.init(id: "a", effect: .requireApproval, arguments: etcOnly)]),
            visible: true
        ),
        Case(
            name: "approval under default deny",
            config: PolicyConfig(defaultEffect: .deny, rules: [.init(id: "a", effect: .requireApproval)]), visible: true
        ),
        Case(
            name: "rule for another tool is skipped",
            config: PolicyConfig(defaultEffect: .deny, rules: [.init(id: "a", effect: .allow, match: .init(tools: ["other__*"]))]),
            visible: false
        ),
        Case(
            name: "rule for another role is skipped",
            config: PolicyConfig(rules: [.init(id: "d", effect: .deny, match: .init(roles: ["admin"]))]), visible: true
        ),
        Case(
            name: "rule for this role decides",
            config: PolicyConfig(rules: [.init(id: "d", effect: .deny, match: .init(roles: ["agent"]))]), visible: false
        ),
        Case(
            name: "rule on annotations the tool does not have is skipped",
            config: PolicyConfig(rules: [.init(id: "d", effect: .deny, annotations: .init(readOnlyHint: true))]), visible: true
        ),
        Case(
            name: "rule on the default destructiveHint applies",
            config: PolicyConfig(rules: [.init(id: "d", effect: .deny, annotations: .init(destructiveHint: true))]), visible: false
        ),
        Case(
            name: "earlier unconditional allow beats later deny",
            config: PolicyConfig(rules: [.init(id: "a", effect: .allow), .init(id: "d", effect: .deny)]), visible: true
        ),
        Case(
            name: "rule for the root only, listing through a virtual server",
            config: PolicyConfig(rules: [.init(id: "d", effect: .deny, match: .init(virtualServers: ["/"]))]), visible: true
        ),
    ]

    @Test(arguments: cases)
    func visibility(_ testCase: Case) throws {
        let policy = try CompiledPolicy(testCase.config)
        #expect(policy.isVisible(principal: Fixture.agent, virtualServer: "ops", tool: Fixture.tool("files__read")) == testCase.visible)
    }

    @Test func virtualServerMatchersSeeTheRoot() throws {
        let policy = try CompiledPolicy(
            PolicyConfig(rules: [.init(id: "root-only", effect: .deny, match: .init(virtualServers: ["/", "sales"]))])
        )
        let tool = Fixture.tool("crm__list")
        #expect(!policy.isVisible(principal: Fixture.agent, virtualServer: nil, tool: tool))
        #expect(!policy.isVisible(principal: Fixture.agent, virtualServer: "sales", tool: tool))
        #expect(policy.isVisible(principal: Fixture.agent, virtualServer: "ops", tool: tool))
    }
}
