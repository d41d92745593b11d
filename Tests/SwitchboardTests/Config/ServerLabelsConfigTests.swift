import SwitchboardCore
import Testing

@testable import Switchboard

/// `servers.NAME.labels` and `server_labels` in rules and limits: read, checked, and refused
/// with the line and key when wrong.
@Suite struct ServerLabelsConfigTests {
    static let servers = """
        servers:
          payments:
            url: http://127.0.0.1:9001/mcp
            labels: { owner: payments, environment: prod, risk: critical, cost-center: "4711" }
          wiki:
            url: http://127.0.0.1:9002/mcp
            labels: { environment: prod, risk: low }

        """

    @Test func labelsAndConditionsLoad() throws {
        let config = try ConfigLoader.parse(yaml: Self.servers + """
            policy:
              rules:
                - { id: ask, effect: require_approval, server_labels: { environment: prod, risk: [high, critical] } }
            quotas:
              limits:
                - { id: prod, per: server, concurrency: 4, server_labels: { environment: prod } }
            """, path: "switchboard.yaml", environment: [:])
        #expect(config.servers[0].labels == ["owner": "payments", "environment": "prod", "risk": "critical", "cost-center": "4711"])
        #expect(config.serverLabels["wiki"] == ["environment": "prod", "risk": "low"])
        #expect(config.policy.rules[0].match.serverLabels == ["environment": ["prod"], "risk": ["high", "critical"]])
        #expect(config.quotas.limits[0].match.serverLabels == ["environment": ["prod"]])
    }

    @Test(arguments: [
        ("servers:\n  a:\n    url: http://127.0.0.1:1/mcp\n    labels: { Owner: x }\n", "switchboard.yaml:4: servers.a.labels.Owner: ", "starts with a lowercase letter"),
        ("servers:\n  a:\n    url: http://127.0.0.1:1/mcp\n    labels: { risk: severe }\n", "switchboard.yaml:4: servers.a.labels.risk: ", "risk is one of low, medium, high, critical"),
        ("servers:\n  a:\n    url: http://127.0.0.1:1/mcp\n    labels: { owner: \"\" }\n", "switchboard.yaml:4: servers.a.labels.owner: ", "expected a non-empty string"),
        ("servers:\n  a:\n    url: http://127.0.0.1:1/mcp\n    labels: [prod]\n", "switchboard.yaml:4: servers.a.labels: ", "expected a mapping"),
        (servers + "policy:\n  rules:\n    - { id: r, effect: deny, server_labels: {} }\n", "switchboard.yaml:10: policy.rules[0].server_labels: ", "an empty server_labels matches every server"),
        (servers + "policy:\n  rules:\n    - { id: r, effect: deny, server_labels: { risk: huge } }\n", "switchboard.yaml:10: policy.rules[0].server_labels.risk: ", "risk is one of"),
        (servers + "policy:\n  rules:\n    - { id: r, effect: deny, server_labels: { enviroment: prod } }\n", "switchboard.yaml:10: policy.rules[0].server_labels.enviroment: ", "no server carries the label \"enviroment\""),
        (servers + "quotas:\n  limits:\n    - { id: q, per: global, rate: 1/s, server_labels: { tier: [] } }\n", "switchboard.yaml:10: quotas.limits[0].server_labels.tier: ", "an empty list matches nothing"),
    ])
    func mistakesNameTheLineAndKey(_ yaml: String, _ prefix: String, _ says: String) {
        expectConfigMistake(yaml, prefix, says)
    }
}
