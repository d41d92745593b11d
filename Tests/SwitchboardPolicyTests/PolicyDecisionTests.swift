import SwitchboardCore
import Testing

@testable import SwitchboardPolicy

/// One policy, many calls: roles × tools × arguments × virtual servers × annotations, and the
/// first matching rule wins.
@Suite struct PolicyDecisionTests {
    static let config = PolicyConfig(
        defaultEffect: .deny,
        rules: [
            PolicyRuleConfig(id: "admins-anything", effect: .allow, match: .init(roles: ["admin"])),
            PolicyRuleConfig(
                id: "no-deletes-for-agents", effect: .deny,
                match: .init(roles: ["agent"], tools: ["crm__delete_*", "*__drop_*"])
            ),
            PolicyRuleConfig(
                id: "no-etc", effect: .deny, match: .init(tools: ["files__read"]),
                arguments: [.init(pointer: "/path", test: .regex("^/etc/"))]
            ),
            PolicyRuleConfig(
                id: "ops-destructive", effect: .requireApproval, match: .init(virtualServers: ["ops"]),
                annotations: .init(destructiveHint: true)
            ),
            PolicyRuleConfig(
                id: "root-read-only", effect: .allow, match: .init(virtualServers: ["/"]),
                annotations: .init(readOnlyHint: true)
            ),
            PolicyRuleConfig(id: "ci-keys", effect: .allow, match: .init(principals: ["key:ci-*"], tenants: ["acme"])),
            PolicyRuleConfig(
                id: "small-searches", effect: .allow, match: .init(roles: ["agent"], servers: ["search"]),
                arguments: [.init(pointer: "/limit", test: .range(min: 1, max: 100))]
            ),
            PolicyRuleConfig(id: "files-for-agents", effect: .allow, match: .init(roles: ["agent"], tools: ["files__*"])),
        ]
    )

    struct Case: Sendable, CustomTestStringConvertible {
        let principal: Principal
        let tool: String
        var via: String? = nil
        var annotations = ToolAnnotations()
        var arguments: String? = nil
        let effect: PolicyEffect
        let rule: String?
        var testDescription: String { "\(principal.id) \(tool) via \(via ?? "/") → \(rule ?? "default")" }
    }

    static let cases: [Case] = [
        // admins first: even what later rules deny.
        Case(principal: Fixture.alice, tool: "crm__delete_contact", effect: .allow, rule: "admins-anything"),
        Case(principal: Fixture.alice, tool: "files__read", arguments: #"{"path":"/etc/x"}"#, effect: .allow, rule: "admins-anything"),
        // tool globs for agents.
        Case(principal: Fixture.agent, tool: "crm__delete_contact", effect: .deny, rule: "no-deletes-for-agents"),
        Case(principal: Fixture.agent, tool: "db__drop_table", effect: .deny, rule: "no-deletes-for-agents"),
        Case(principal: Fixture.agent, tool: "crm__list", effect: .deny, rule: nil),
        // argument predicates: the deny holds only for matching arguments.
        Case(principal: Fixture.agent, tool: "files__read", arguments: #"{"path":"/etc/passwd"}"#, effect: .deny, rule: "no-etc"),
        Case(principal: Fixture.agent, tool: "files__read", arguments: #"{"path":"/home/a"}"#, effect: .allow, rule: "files-for-agents"),
        Case(principal: Fixture.agent, tool: "files__read", effect: .allow, rule: "files-for-agents"),
        Case(principal: Fixture.agent, tool: "files__read", arguments: #"{"path":7}"#, effect: .allow, rule: "files-for-agents"),
        Case(principal: Fixture.nobody, tool: "files__read", arguments: #"{"path":"/etc/x"}"#, effect: .deny, rule: "no-etc"),
        // virtual servers and annotations (an undeclared destructiveHint is true).
        Case(principal: Fixture.agent, tool: "crm__update", via: "ops", effect: .requireApproval, rule: "ops-destructive"),
        Case(principal: Fixture.agent, tool: "crm__get", via: "ops", annotations: Fixture.readOnly, effect: .deny, rule: nil),
        Case(principal: Fixture.agent, tool: "crm__get", annotations: Fixture.readOnly, effect: .allow, rule: "root-read-only"),
        Case(principal: Fixture.agent, tool: "crm__get", via: "sales", annotations: Fixture.readOnly, effect: .deny, rule: nil),
        Case(principal: Fixture.agent, tool: "crm__update", effect: .deny, rule: nil),
        // principal globs and tenants.
        Case(principal: Fixture.ciBot, tool: "crm__update", effect: .allow, rule: "ci-keys"),
        Case(principal: Fixture.outsider, tool: "crm__update", effect: .deny, rule: nil),
        Case(principal: Principal(kind: .jwt, name: "ci-bot", tenant: "acme"), tool: "crm__update", effect: .deny, rule: nil),
        // number ranges on a server matcher.
        Case(principal: Fixture.agent, tool: "search__query", arguments: #"{"limit":100}"#, effect: .allow, rule: "small-searches"),
        Case(principal: Fixture.agent, tool: "search__query", arguments: #"{"limit":101}"#, effect: .deny, rule: nil),
        Case(principal: Fixture.agent, tool: "search__query", arguments: #"{"limit":"5"}"#, effect: .deny, rule: nil),
        Case(principal: Fixture.nobody, tool: "search__query", arguments: #"{"limit":5}"#, effect: .deny, rule: nil),
    ]

    @Test(arguments: cases)
    func firstMatchingRuleDecides(_ testCase: Case) throws {
        let policy = try CompiledPolicy(Self.config)
        let call = try Fixture.call(
            testCase.principal, testCase.tool, via: testCase.via, annotations: testCase.annotations, arguments: testCase.arguments
        )
        let decision = policy.decide(call)
        #expect(decision.effect == testCase.effect)
        #expect(decision.ruleID == testCase.rule)
        #expect(decision.policyVersion == policy.version)
        // The trace agrees with the decision.
        let trace = policy.explain(call)
        #expect(trace.decision == decision)
        #expect(trace.rules.first(where: \.decided)?.ruleID == testCase.rule)
        #expect(trace.rules.filter(\.decided).count <= 1)
    }

    @Test func defaultAllowAndDefaultDeny() throws {
        let call = try Fixture.call(Fixture.agent, "crm__list")
        let allow = try CompiledPolicy(PolicyConfig())
        #expect(allow.decide(call).effect == .allow)
        #expect(allow.decide(call).ruleID == nil)
        #expect(allow.decide(call).explanation == "no rule matched; the default is allow")
        let deny = try CompiledPolicy(PolicyConfig(defaultEffect: .deny))
        #expect(deny.decide(call).effect == .deny)
        #expect(CompiledPolicy.allowAll.decide(call).isAllowed)
    }

    /// Calls look their tool's hints up only when some rule reads them.
    @Test func readsAnnotationsOnlyWhenARuleMatchesOnThem() throws {
        #expect(try !CompiledPolicy(PolicyConfig(rules: [.init(id: "a", effect: .allow, match: .init(roles: ["agent"]))])).readsAnnotations)
        #expect(try !CompiledPolicy(PolicyConfig()).readsAnnotations)
        let hinted = PolicyConfig(rules: [
            .init(id: "a", effect: .allow, match: .init(roles: ["agent"])),
            .init(id: "r", effect: .allow, annotations: .init(openWorldHint: false)),
        ])
        #expect(try CompiledPolicy(hinted).readsAnnotations)
    }

    @Test func aRuleWithoutMatchersMatchesEveryCall() throws {
        let policy = try CompiledPolicy(PolicyConfig(rules: [.init(id: "lockdown", effect: .deny)]))
        let decision = policy.decide(try Fixture.call(Fixture.alice, "anything__at_all"))
        #expect(decision.ruleID == "lockdown")
        #expect(decision.explanation == "rule lockdown (deny): every call")
    }

    @Test func explanationNamesTheRuleAndWhatItMatches() throws {
        let policy = try CompiledPolicy(Self.config)
        #expect(
            policy.decide(try Fixture.call(Fixture.agent, "crm__delete_x")).explanation
                == "rule no-deletes-for-agents (deny): role agent, tool [crm__delete_*, *__drop_*]"
        )
        #expect(
            policy.decide(try Fixture.call(Fixture.agent, "files__read", arguments: #"{"path":"/etc/x"}"#)).explanation
                == "rule no-etc (deny): tool files__read, /path matches ^/etc/"
        )
        #expect(
            policy.decide(try Fixture.call(Fixture.agent, "crm__x", via: "ops")).explanation
                == "rule ops-destructive (require_approval): virtual server ops, destructiveHint true"
        )
    }

    @Test func compilingRejectsWhatTheLoaderRejects() {
        let bad: [(PolicyRuleConfig, String)] = [
            (.init(id: "bad id", effect: .deny), "rule bad id: a rule id uses only"),
            (.init(id: "r", effect: .deny, arguments: [.init(pointer: "path", test: .equals(.null))]), "rule r: arguments path: a JSON Pointer starts with"),
            (.init(id: "r", effect: .deny, arguments: [.init(pointer: "/p", test: .regex("(unclosed"))]), "rule r: arguments /p: invalid regular expression"),
        ]
        for (rule, message) in bad {
            #expect {
                try CompiledPolicy(PolicyConfig(rules: [rule]))
            } throws: { error in
                "\(error)".hasPrefix(message)
            }
        }
        #expect(throws: PolicyError("duplicate rule id", ruleID: "a")) {
            try CompiledPolicy(PolicyConfig(rules: [.init(id: "a", effect: .deny), .init(id: "a", effect: .allow)]))
        }
    }
}
