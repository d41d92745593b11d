import SwitchboardCore
import Testing

@testable import SwitchboardPolicy

/// `server_labels` in rules and limits: matched against the servers' configured labels when
/// the rules compile, explained by `policy test`, and part of the derived version.
@Suite struct ServerLabelTests {
    static let labels: [String: [String: String]] = [
        "payments": ["environment": "prod", "owner": "payments", "risk": "critical"],
        "wiki": ["environment": "prod", "risk": "low"],
        "sandbox": ["environment": "dev"],
        "plain": [:],
    ]
    static let policy = PolicyConfig(
        defaultEffect: .allow,
        rules: [
            PolicyRuleConfig(id: "prod-risky-ask", effect: .requireApproval, match: .init(serverLabels: ["environment": ["prod"], "risk": ["high", "critical"]])),
            PolicyRuleConfig(id: "no-dev-for-agents", effect: .deny, match: .init(roles: ["agent"], serverLabels: ["environment": ["dev"]])),
        ]
    )

    func call(_ principal: Principal, _ server: String) -> CallFacts {
        CallFacts(principal: principal, tool: ToolFacts(federatedName: server + "__do", server: server))
    }

    @Test func everyKeyMustHoldOneOfItsValues() throws {
        let policy = try CompiledPolicy(Self.policy, serverLabels: Self.labels)
        #expect(policy.decide(call(Fixture.agent, "payments")).ruleID == "prod-risky-ask")
        #expect(policy.decide(call(Fixture.agent, "payments")).effect == .requireApproval)
        // prod, but low risk; no labels at all; a server the labels do not know.
        #expect(policy.decide(call(Fixture.agent, "wiki")).ruleID == nil)
        #expect(policy.decide(call(Fixture.agent, "plain")).ruleID == nil)
        #expect(policy.decide(call(Fixture.agent, "gone")).ruleID == nil)
        #expect(policy.decide(call(Fixture.agent, "sandbox")).effect == .deny)
        #expect(policy.decide(call(Fixture.alice, "sandbox")).effect == .allow)
        #expect(!policy.isVisible(principal: Fixture.agent, virtualServer: nil, tool: ToolFacts(federatedName: "sandbox__do", server: "sandbox")))
    }

    @Test func theExplanationSaysWhatWasAskedAndWhatTheServerIs() throws {
        let policy = try CompiledPolicy(Self.policy, serverLabels: Self.labels)
        #expect(policy.decide(call(Fixture.agent, "payments")).explanation.contains("server labels {environment: prod, risk: [high, critical]}"))
        let trace = policy.explain(call(Fixture.agent, "wiki"))
        let check = try #require(trace.rules.first?.checks.first { $0.matcher == "server_labels" })
        #expect(!check.held)
        #expect(check.expected == "{environment: prod, risk: [high, critical]}")
        #expect(check.actual == "wiki {environment: prod, risk: low}")
    }

    @Test func relabellingAServerARuleMatchesChangesTheVersion() throws {
        let before = try CompiledPolicy(Self.policy, serverLabels: Self.labels).version
        var relabelled = Self.labels
        relabelled["wiki"]?["risk"] = "high"
        #expect(try CompiledPolicy(Self.policy, serverLabels: relabelled).version != before)
        // A label no rule reads changes nothing.
        relabelled = Self.labels
        relabelled["wiki"]?["owner"] = "docs"
        #expect(try CompiledPolicy(Self.policy, serverLabels: relabelled).version == before)
    }

    @Test func aQuotaLimitCountsOnlyTheLabelledServers() {
        let limiter = QuotaLimiter(
            QuotaConfig(limits: [QuotaLimitConfig(id: "prod", per: .global, match: .init(serverLabels: ["environment": ["prod"]]), concurrency: 1)]),
            serverLabels: Self.labels
        )
        guard case .admitted(let held) = limiter.admit(call(Fixture.agent, "payments")) else {
            Issue.record("the first prod call is admitted")
            return
        }
        guard case .refused = limiter.admit(call(Fixture.agent, "wiki")) else {
            Issue.record("a second prod call waits for the first")
            return
        }
        guard case .admitted = limiter.admit(call(Fixture.agent, "sandbox")) else {
            Issue.record("a dev server is not counted")
            return
        }
        held.release()
    }
}
