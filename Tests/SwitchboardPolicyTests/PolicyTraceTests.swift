import SwitchboardCore
import Testing

@testable import SwitchboardPolicy

@Suite struct PolicyTraceTests {
    @Test func everyRuleIsTracedMatcherByMatcher() throws {
        let policy = try CompiledPolicy(
            PolicyConfig(rules: [
                .init(
                    id: "no-etc", effect: .deny, match: .init(roles: ["agent"], tools: ["files__*"]),
                    annotations: .init(readOnlyHint: true),
                    arguments: [.init(pointer: "/path", test: .regex("^/etc/")), .init(pointer: "/secret", test: .maxLength(3))]
                ),
                .init(id: "everything", effect: .allow),
                .init(id: "never-reached", effect: .deny),
            ])
        )
        let call = try Fixture.call(
            Fixture.agent, "files__read", annotations: Fixture.readOnly, arguments: #"{"path":"/home/x","secret":"hunter2"}"#
        )
        let trace = policy.explain(call)
        #expect(trace.decision.ruleID == "everything")
        #expect(trace.rules.map(\.ruleID) == ["no-etc", "everything", "never-reached"])
        #expect(trace.rules.map(\.matched) == [false, true, true])
        #expect(trace.rules.map(\.decided) == [false, true, false])

        let checks = trace.rules[0].checks
        #expect(checks.map(\.matcher) == ["roles", "tools", "annotations.readOnlyHint", "arguments", "arguments"])
        #expect(checks.map(\.held) == [true, true, true, false, false])
        #expect(checks[0].actual == "[agent]")
        #expect(checks[3].expected == "/path matches ^/etc/")
        // Argument values may be secrets: the trace says only whether they were there.
        #expect(checks[4].actual == "present")
        #expect(!trace.rules.map(\.description).joined().contains("hunter2"))
        #expect(
            trace.rules[0].description
                == "rule no-etc (deny): no match; roles [agent]: yes ([agent]); tools [files__*]: yes (files__read); "
                + "annotations.readOnlyHint true: yes (true); arguments /path matches ^/etc/: no (present); "
                + "arguments /secret length <= 3: no (present)"
        )
        #expect(trace.rules[2].description == "rule never-reached (deny): matched, not reached; matches every call")
    }

    @Test func virtualServerAndTenantChecksShowTheCall() throws {
        let policy = try CompiledPolicy(
            PolicyConfig(rules: [.init(id: "r", effect: .deny, match: .init(principals: ["key:ci-*"], tenants: ["acme"], virtualServers: ["/"]))])
        )
        let checks = policy.explain(try Fixture.call(Fixture.nobody, "a__b", via: "ops")).rules[0].checks
        #expect(checks.map(\.description) == [
            "principals [key:ci-*]: no (anonymous)", "tenants [acme]: no ((none))", "virtual_servers [/]: no (ops)",
        ])
    }
}
