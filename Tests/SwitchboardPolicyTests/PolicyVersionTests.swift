import SwitchboardCore
import Testing

@testable import SwitchboardPolicy

@Suite struct PolicyVersionTests {
    static let base = PolicyConfig(
        defaultEffect: .deny,
        rules: [
            .init(id: "a", description: "first", effect: .allow, match: .init(roles: ["agent"], tools: ["crm__*"])),
            .init(id: "b", effect: .deny, arguments: [.init(pointer: "/x", test: .oneOf([.string("1"), .number(1)]))]),
        ]
    )

    func version(_ config: PolicyConfig) throws -> String { try CompiledPolicy(config).version }

    @Test func sameRulesSameVersion() throws {
        let derived = try version(Self.base)
        #expect(try version(Self.base) == derived)
        #expect(derived.hasPrefix("fnv:"))
        #expect(derived.count == 4 + 16)
        let digits = derived.dropFirst(4)
        #expect(digits.allSatisfy { $0.isHexDigit })
        // Descriptions and the denied-call presentation do not change decisions.
        var described = Self.base
        described.rules[0].description = "changed"
        described.deniedCalls = .unknownTool
        #expect(try version(described) == derived)
    }

    @Test func anyChangeThatDecidesChangesTheVersion() throws {
        let derived = try version(Self.base)
        var variants: [PolicyConfig] = []
        var config = Self.base
        config.defaultEffect = .allow
        variants.append(config)
        config = Self.base
        config.rules[0].effect = .requireApproval
        variants.append(config)
        config = Self.base
        config.rules.swapAt(0, 1)
        variants.append(config)
        config = Self.base
        config.rules[0].match.tools = ["crm__", "*"]
        variants.append(config)
        config = Self.base
        config.rules[0].match.tools = ["crm__,*"]
        variants.append(config)
        config = Self.base
        config.rules[1].arguments[0].test = .oneOf([.string("1"), .string("1")])
        variants.append(config)
        config = Self.base
        config.rules[0].annotations.readOnlyHint = false
        variants.append(config)
        config = Self.base
        config.rules[0].id = "a2"
        variants.append(config)
        let versions = try variants.map(self.version)
        #expect(!versions.contains(derived))
        #expect(Set(versions).count == versions.count)
    }

    @Test func anExplicitVersionIsUsedAsWritten() throws {
        var config = Self.base
        config.version = "2026-11-22.1"
        let policy = try CompiledPolicy(config)
        #expect(policy.version == "2026-11-22.1")
        #expect(policy.decide(try Fixture.call(Fixture.agent, "crm__x")).policyVersion == "2026-11-22.1")
    }
}
