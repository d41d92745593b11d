import Foundation
import SwitchboardCore
import SwitchboardPolicy
import Testing

@testable import Switchboard

/// `policy`, `quotas` and `virtual_servers`: a full example loads to the expected values and
/// compiles; each mistake is reported with its line and key.
@Suite struct PolicyConfigTests {
    static let example = """
        servers:
          crm: { url: "http://127.0.0.1:9001/mcp" }
        policy:
          default: deny
          version: "2026-11-22.1"
          denied_calls: unknown_tool
          rules:
            - id: no-deletes-for-agents
              description: "free text"
              effect: deny
              principals: ["key:ci-*", "jwt:alice@example.com"]
              roles: [agent]
              tenants: [acme]
              virtual_servers: [ops, "/"]
              servers: [crm]
              tools: ["crm__delete_*", "*__drop_*"]
              annotations: { destructiveHint: true, readOnlyHint: false }
              arguments:
                - { pointer: /path, regex: "^/etc/" }
                - { pointer: /limit, min: 1, max: 100 }
                - { pointer: /mode, one_of: [fast, safe, 3, -0.5, true, null, "5", 'false'] }
                - { pointer: /force, equals: true }
                - { pointer: /query, max_length: 200 }
                - { pointer: /a~1b, max: 1e3 }
            - id: approvals.v2
              effect: require_approval
              annotations: { destructiveHint: true }
            - id: two-people
              effect: require_approval
              tools: ["crm__export_*"]
              approval: { approvers: 2 }
        quotas:
          costs:
            "search__*": 5
            "*__free": 0
          limits:
            - id: key-rate
              per: principal
              rate: 10/s
              burst: 20
              concurrency: 4
              daily_budget: 1000
            - id: tenant-searches
              per: tenant
              tools: ["search__*"]
              roles: [agent]
              rate: ${SEARCH_RATE:-600/m}
        virtual_servers:
          ops:
            description: "Tools for the ops agents"
            tools: ["time__*", "clock__add"]
            prompts: ["*"]
            resources: ["file:///srv/ops/*"]
          empty:
          coding:
            tools: ["*"]
            max_tools: 80
            search: { always: ["github__*"], results: 5 }
          capped:
            max_tools: 128
            search: true
        """

    @Test func theFullExampleLoads() throws {
        let config = try ConfigLoader.parse(yaml: Self.example, path: "switchboard.yaml", environment: [:])
        let policy = config.policy
        #expect(policy.defaultEffect == .deny)
        #expect(policy.version == "2026-11-22.1")
        #expect(policy.deniedCalls == .unknownTool)
        #expect(policy.rules.map(\.id) == ["no-deletes-for-agents", "approvals.v2", "two-people"])
        let rule = policy.rules[0]
        #expect(rule.description == "free text")
        #expect(rule.effect == .deny)
        #expect(
            rule.match
                == CallMatchConfig(
                    principals: ["key:ci-*", "jwt:alice@example.com"], roles: ["agent"], tenants: ["acme"],
                    virtualServers: ["ops", "/"], servers: ["crm"], tools: ["crm__delete_*", "*__drop_*"]
                )
        )
        #expect(rule.annotations == AnnotationMatchConfig(readOnlyHint: false, destructiveHint: true))
        #expect(
            rule.arguments == [
                .init(pointer: "/path", test: .regex("^/etc/")),
                .init(pointer: "/limit", test: .range(min: 1, max: 100)),
                .init(
                    pointer: "/mode",
                    test: .oneOf([.string("fast"), .string("safe"), .number(3), .number(-0.5), .bool(true), .null, .string("5"), .string("false")])
                ),
                .init(pointer: "/force", test: .equals(.bool(true))),
                .init(pointer: "/query", test: .maxLength(200)),
                .init(pointer: "/a~1b", test: .range(min: nil, max: 1000)),
            ]
        )
        #expect(policy.rules[1] == PolicyRuleConfig(id: "approvals.v2", effect: .requireApproval, annotations: .init(destructiveHint: true)))
        // Two approvers are decided out of band: via console is implied.
        #expect(policy.rules[2].approval == ApprovalTerms(approvers: 2, via: .console))
        #expect(try CompiledPolicy(policy).approvalTerms(of: "two-people") == ApprovalTerms(approvers: 2, via: .console))
        #expect(try CompiledPolicy(policy).approvalTerms(of: "approvals.v2") == ApprovalTerms())

        #expect(config.quotas.costs == [.init(tools: "search__*", units: 5), .init(tools: "*__free", units: 0)])
        #expect(
            config.quotas.limits == [
                QuotaLimitConfig(
                    id: "key-rate", per: .principal, rate: QuotaRate(count: 10, per: .second), burst: 20, concurrency: 4, dailyBudget: 1000
                ),
                QuotaLimitConfig(
                    id: "tenant-searches", per: .tenant, match: .init(roles: ["agent"], tools: ["search__*"]),
                    rate: QuotaRate(count: 600, per: .minute)
                ),
            ]
        )
        #expect(config.quotas.limits[1].effectiveBurst == 10)

        #expect(
            config.virtualServers == [
                VirtualServerConfig(
                    name: "ops", description: "Tools for the ops agents", tools: ["time__*", "clock__add"], prompts: ["*"],
                    resources: ["file:///srv/ops/*"]
                ),
                VirtualServerConfig(name: "empty"),
                {
                    var coding = VirtualServerConfig(name: "coding", tools: ["*"])
                    coding.maxTools = 80
                    coding.search = ToolSearchConfig(always: ["github__*"], results: 5)
                    return coding
                }(),
                {
                    var capped = VirtualServerConfig(name: "capped")
                    capped.maxTools = 128
                    capped.search = ToolSearchConfig()
                    return capped
                }(),
            ]
        )

        // What the loader accepts, the engine compiles.
        let compiled = try CompiledPolicy(config.policy)
        #expect(compiled.version == "2026-11-22.1")
        #expect(compiled.ruleIDs == ["no-deletes-for-agents", "approvals.v2", "two-people"])
    }

    @Test func sectionsAreOptionalAndMayBeEmpty() throws {
        let config = try ConfigLoader.parse(yaml: "policy:\nquotas: {}\nvirtual_servers:\n", path: "switchboard.yaml", environment: [:])
        #expect(config.policy == PolicyConfig())
        #expect(config.quotas == QuotaConfig())
        #expect(config.virtualServers.isEmpty)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let yaml: String
        let prefix: String
        let says: String
        var code: ConfigError.Code = .invalidValue
        var testDescription: String { prefix + says }
    }

    static let rule = "policy:\n  rules:\n    - id: r\n      effect: deny\n"

    static let cases: [Case] = [
        // Unknown keys, at each level.
        Case(yaml: "policy:\n  defaults: deny\n", prefix: "switchboard.yaml:2: policy.defaults: ", says: #"did you mean "default"?"#, code: .unknownKey),
        Case(yaml: rule + "      tool: [x]\n", prefix: "switchboard.yaml:5: policy.rules[0].tool: ", says: #"did you mean "tools"?"#, code: .unknownKey),
        Case(yaml: rule + "      annotations: {readOnly: true}\n", prefix: "switchboard.yaml:5: policy.rules[0].annotations.readOnly: ", says: "unknown key", code: .unknownKey),
        Case(
            yaml: rule + "      arguments:\n        - {pointer: /p, regexp: x}\n",
            prefix: "switchboard.yaml:6: policy.rules[0].arguments[0].regexp: ", says: #"did you mean "regex"?"#, code: .unknownKey
        ),
        Case(yaml: "quotas:\n  limit: []\n", prefix: "switchboard.yaml:2: quotas.limit: ", says: #"did you mean "limits"?"#, code: .unknownKey),
        Case(
            yaml: "quotas:\n  limits:\n    - id: l\n      per: global\n      rate: 1/s\n      brust: 3\n",
            prefix: "switchboard.yaml:6: quotas.limits[0].brust: ", says: #"did you mean "burst"?"#, code: .unknownKey
        ),
        Case(yaml: "virtual_servers:\n  ops:\n    tool: [x]\n", prefix: "switchboard.yaml:3: virtual_servers.ops.tool: ", says: #"did you mean "tools"?"#, code: .unknownKey),
        Case(yaml: "virtual_servers:\n  ops:\n    search: { results: 80 }\n", prefix: "switchboard.yaml:3: virtual_servers.ops.search.results: ", says: "at most 50 tools"),
        Case(yaml: "virtual_servers:\n  ops:\n    max_tools: 0\n", prefix: "switchboard.yaml:3: virtual_servers.ops.max_tools: ", says: "must be at least 1"),
        Case(yaml: "virtual_servers:\n  ops:\n    search: maybe\n", prefix: "switchboard.yaml:3: virtual_servers.ops.search: ", says: "expected true or false"),
        // Keywords.
        Case(yaml: "policy:\n  rules:\n    - id: r\n      effect: block\n", prefix: "switchboard.yaml:4: policy.rules[0].effect: ", says: #"expected one of allow, deny, require_approval, got "block""#),
        Case(yaml: "policy:\n  default: require_approval\n", prefix: "switchboard.yaml:2: policy.default: ", says: #"expected one of allow, deny, got "require_approval""#),
        Case(yaml: "policy:\n  denied_calls: hide\n", prefix: "switchboard.yaml:2: policy.denied_calls: ", says: "expected one of explain, unknown_tool"),
        // Rule ids.
        Case(
            yaml: rule + "    - id: r\n      effect: allow\n",
            prefix: "switchboard.yaml:5: policy.rules[1].id: ", says: #"duplicate rule id; "r" is already used on line 3"#, code: .duplicateKey
        ),
        Case(yaml: "policy:\n  rules:\n    - effect: deny\n", prefix: "switchboard.yaml:3: policy.rules[0]: ", says: #"missing required key "id""#, code: .missingKey),
        Case(yaml: "policy:\n  rules:\n    - id: r\n", prefix: "switchboard.yaml:3: policy.rules[0]: ", says: #"missing required key "effect""#, code: .missingKey),
        Case(yaml: "policy:\n  rules:\n    - id: no deletes\n      effect: deny\n", prefix: "switchboard.yaml:3: policy.rules[0].id: ", says: "a rule id uses only letters"),
        // Matchers.
        Case(yaml: rule + "      roles: []\n", prefix: "switchboard.yaml:5: policy.rules[0].roles: ", says: "an empty list matches nothing"),
        Case(yaml: rule + "      roles: agent\n", prefix: "switchboard.yaml:5: policy.rules[0].roles: ", says: "expected a list, got a single value"),
        Case(yaml: rule + "      servers: [crm__x]\n", prefix: "switchboard.yaml:5: policy.rules[0].servers[0]: ", says: "not a server name"),
        Case(yaml: rule + "      virtual_servers: [/mcp/ops]\n", prefix: "switchboard.yaml:5: policy.rules[0].virtual_servers[0]: ", says: #"use "/" for the root"#),
        Case(yaml: rule + "      annotations: {destructiveHint: yes}\n", prefix: "switchboard.yaml:5: policy.rules[0].annotations.destructiveHint: ", says: "expected true or false"),
        // Argument predicates.
        Case(
            yaml: rule + "      arguments:\n        - pointer: /p\n          regex: \"(unclosed\"\n",
            prefix: "switchboard.yaml:7: policy.rules[0].arguments[0].regex: ", says: "invalid regular expression"
        ),
        Case(
            yaml: rule + "      arguments:\n        - {pointer: path, equals: 1}\n",
            prefix: "switchboard.yaml:6: policy.rules[0].arguments[0].pointer: ", says: #"a JSON Pointer starts with "/" (e.g. /path or /items/0), got "path""#
        ),
        Case(
            yaml: rule + "      arguments:\n        - {pointer: /a~2, equals: 1}\n",
            prefix: "switchboard.yaml:6: policy.rules[0].arguments[0].pointer: ", says: "~0"
        ),
        Case(
            yaml: rule + "      arguments:\n        - pointer: /p\n          regex: x\n          equals: 1\n",
            prefix: "switchboard.yaml:8: policy.rules[0].arguments[0].equals: ", says: #"a predicate has exactly one test, and "regex" is already set"#
        ),
        Case(
            yaml: rule + "      arguments:\n        - {pointer: /p, min: 1, max: 2, max_length: 3}\n",
            prefix: "switchboard.yaml:6: policy.rules[0].arguments[0].max_length: ", says: #""min" is already set"#
        ),
        Case(
            yaml: rule + "      arguments:\n        - {pointer: /p}\n",
            prefix: "switchboard.yaml:6: policy.rules[0].arguments[0]: ", says: "missing a test", code: .missingKey
        ),
        Case(
            yaml: rule + "      arguments:\n        - {equals: 1}\n",
            prefix: "switchboard.yaml:6: policy.rules[0].arguments[0]: ", says: #"missing required key "pointer""#, code: .missingKey
        ),
        Case(
            yaml: rule + "      arguments:\n        - {pointer: /p, min: 5, max: 1}\n",
            prefix: "switchboard.yaml:6: policy.rules[0].arguments[0].max: ", says: "must not be less than min"
        ),
        Case(yaml: rule + "      arguments:\n        - {pointer: /p, min: ten}\n", prefix: "switchboard.yaml:6: policy.rules[0].arguments[0].min: ", says: #"expected a number, got "ten""#),
        Case(yaml: rule + "      arguments:\n        - {pointer: /p, max_length: -1}\n", prefix: "switchboard.yaml:6: policy.rules[0].arguments[0].max_length: ", says: "0 or more"),
        Case(yaml: rule + "      arguments:\n        - {pointer: /p, equals: [1]}\n", prefix: "switchboard.yaml:6: policy.rules[0].arguments[0].equals: ", says: "expected a single JSON value"),
        Case(yaml: rule + "      arguments:\n        - {pointer: /p, one_of: []}\n", prefix: "switchboard.yaml:6: policy.rules[0].arguments[0].one_of: ", says: "an empty one_of matches nothing"),
        // Approval terms.
        Case(
            yaml: rule + "      approval: { approvers: 2 }\n",
            prefix: "switchboard.yaml:5: policy.rules[0].approval: ", says: "approval applies only to a rule with effect require_approval"
        ),
        Case(
            yaml: "policy:\n  rules:\n    - id: r\n      effect: require_approval\n      approval: { approvers: 9 }\n",
            prefix: "switchboard.yaml:5: policy.rules[0].approval.approvers: ", says: "at most 5 approvers"
        ),
        Case(
            yaml: "policy:\n  rules:\n    - id: r\n      effect: require_approval\n      approval: { approvers: 2, via: client }\n",
            prefix: "switchboard.yaml:5: policy.rules[0].approval.via: ", says: "use via: console"
        ),
        Case(
            yaml: "policy:\n  rules:\n    - id: r\n      effect: require_approval\n      approval: { via: browser }\n",
            prefix: "switchboard.yaml:5: policy.rules[0].approval.via: ", says: "expected one of client, console"
        ),
        Case(
            yaml: "policy:\n  rules:\n    - id: r\n      effect: require_approval\n      approval: { people: 2 }\n",
            prefix: "switchboard.yaml:5: policy.rules[0].approval.people: ", says: "unknown key", code: .unknownKey
        ),
        // Quota limits.
        Case(
            yaml: "quotas:\n  limits:\n    - id: l\n      per: principal\n",
            prefix: "switchboard.yaml:3: quotas.limits[0]: ", says: "a limit sets at least one of rate, concurrency or daily_budget", code: .missingKey
        ),
        Case(
            yaml: "quotas:\n  limits:\n    - id: l\n      per: principal\n      rate: 10/sec\n",
            prefix: "switchboard.yaml:5: quotas.limits[0].rate: ", says: #"expected a rate such as 10/s, 600/m or 1000/h, got "10/sec""#
        ),
        Case(yaml: "quotas:\n  limits:\n    - id: l\n      rate: 1/s\n", prefix: "switchboard.yaml:3: quotas.limits[0]: ", says: #"missing required key "per""#, code: .missingKey),
        Case(yaml: "quotas:\n  limits:\n    - {id: l, per: user, rate: 1/s}\n", prefix: "switchboard.yaml:3: quotas.limits[0].per: ", says: "expected one of principal, tenant, tool, server, global"),
        Case(yaml: "quotas:\n  limits:\n    - {id: l, per: global, burst: 5, concurrency: 1}\n", prefix: "switchboard.yaml:3: quotas.limits[0].burst: ", says: "set rate too"),
        Case(yaml: "quotas:\n  limits:\n    - {id: l, per: global, concurrency: 0}\n", prefix: "switchboard.yaml:3: quotas.limits[0].concurrency: ", says: "must be at least 1"),
        Case(
            yaml: "quotas:\n  limits:\n    - {id: l, per: global, concurrency: 1}\n    - {id: l, per: tool, concurrency: 2}\n",
            prefix: "switchboard.yaml:4: quotas.limits[1].id: ", says: #"duplicate limit id; "l" is already used on line 3"#, code: .duplicateKey
        ),
        Case(yaml: "quotas:\n  costs:\n    \"search__*\": -1\n", prefix: "switchboard.yaml:3: quotas.costs.search__*: ", says: "expected a whole number of 0 or more"),
        // Virtual servers.
        Case(yaml: "virtual_servers:\n  bad__name:\n    tools: [x]\n", prefix: "switchboard.yaml:2: virtual_servers.bad__name: ", says: "invalid virtual server name"),
        Case(yaml: "virtual_servers:\n  ops: [x]\n", prefix: "switchboard.yaml:2: virtual_servers.ops: ", says: "expected a mapping"),
        Case(yaml: "virtual_servers:\n  ops:\n    tools: [\"\"]\n", prefix: "switchboard.yaml:3: virtual_servers.ops.tools[0]: ", says: "expected a non-empty string"),
    ]

    @Test(arguments: cases)
    func rejects(_ testCase: Case) {
        do {
            _ = try ConfigLoader.parse(yaml: testCase.yaml, path: "switchboard.yaml", environment: [:])
            Issue.record("expected an error")
        } catch {
            let text = error.description
            #expect(text.hasPrefix(testCase.prefix), "\(text)")
            #expect(text.dropFirst(testCase.prefix.count).contains(testCase.says), "\(text)")
            #expect(error.code == testCase.code, "\(text)")
        }
    }

    @Test func schemaPatternsAreTheLoaderRules() throws {
        let data = try Data(contentsOf: RepositoryFiles.url("docs/config.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        let virtualServers = try #require(properties["virtual_servers"] as? [String: Any])
        let patterns = try #require(virtualServers["patternProperties"] as? [String: Any])
        #expect(Array(patterns.keys) == [ConfigLoader.serverNamePattern])
        #expect(virtualServers["additionalProperties"] as? Bool == false)

        // Rule and limit ids: the schema's pattern is the loader's.
        let policy = try #require(properties["policy"] as? [String: Any])
        let rule = try #require((policy["$defs"] as? [String: Any])?["rule"] as? [String: Any])
        let id = try #require((rule["properties"] as? [String: Any])?["id"] as? [String: Any])
        #expect(id["pattern"] as? String == PolicyRuleConfig.idPattern)
    }
}

/// A rule or limit naming a virtual server or server the file does not configure is refused.
@Suite struct PolicyReferenceTests {
    @Test(arguments: [
        ("policy:\n  rules:\n    - { id: a, effect: deny, virtual_servers: [ops] }\n", "switchboard.yaml:3", "no virtual server of that name"),
        ("policy:\n  rules:\n    - { id: a, effect: deny, servers: [crm] }\n", "switchboard.yaml:3", "no server of that name"),
        ("quotas:\n  limits:\n    - { id: q, per: global, rate: 1/s, virtual_servers: [ops] }\n", "switchboard.yaml:3", "no virtual server of that name"),
    ])
    func unknownNamesAreRefused(_ yaml: String, _ location: String, _ message: String) throws {
        do {
            _ = try ConfigLoader.parse(yaml: yaml, path: "switchboard.yaml", environment: [:])
            Issue.record("loaded: \(yaml)")
        } catch {
            #expect("\(error)".hasPrefix(location), "\(error)")
            #expect("\(error)".contains(message), "\(error)")
        }
    }

    @Test func theRootEndpointAndConfiguredNamesAreFine() throws {
        let yaml = """
            virtual_servers:
              ops: { tools: ["*"] }
            policy:
              rules:
                - { id: a, effect: deny, virtual_servers: [ops, "/"] }
            """
        #expect(try ConfigLoader.parse(yaml: yaml, path: "switchboard.yaml", environment: [:]).policy.rules.count == 1)
    }
}
