import Foundation
import SwitchboardCore
import Testing

@testable import Switchboard

/// `servers.NAME.credentials.delegated`: loads with seal keys, and is refused without them, with
/// another kind, with keys of its own, or on a stdio server.
@Suite struct DelegatedCredentialsConfigTests {
    static let sealKey = "a seal key of at least thirty-two characters"
    static let sessions = "sessions:\n  seal_keys: [\"${SEAL}\"]\n"

    func parse(_ yaml: String) throws(ConfigError) -> GatewayConfig {
        try ConfigLoader.parse(yaml: yaml, path: "switchboard.yaml", environment: ["SEAL": Self.sealKey])
    }

    /// Without `seal_keys` the gateway seals delegated tokens with the key its store keeps.
    @Test func delegatedNeedsNoConfiguredSealKeys() throws {
        let config = try ConfigLoader.parse(yaml: "servers:\n  crm:\n    url: http://h/mcp\n    credentials:\n      delegated: {}\n", path: "switchboard.yaml", environment: [:])
        #expect(config.servers.first?.credentials == .delegated)
        #expect(config.sessions.sealKeys.isEmpty)
    }

    @Test(arguments: ["delegated: {}", "delegated:"])
    func loads(spelling: String) throws {
        let config = try parse(Self.sessions + "servers:\n  crm:\n    url: http://127.0.0.1:9000/mcp\n    credentials:\n      \(spelling)\n")
        let crm = try #require(config.servers.first)
        #expect(crm.credentials == .delegated)
        #expect(crm.credentials?.usesCallerToken == true)
        #expect(crm.credentials?.key == "delegated")
    }

    @Test(arguments: [
        (
            sessions + "servers:\n  crm:\n    url: http://h/mcp\n    credentials:\n      delegated: {}\n      bearer_file: token\n",
            "switchboard.yaml:8: servers.crm.credentials.bearer_file: set at most one of bearer_file, oauth_client_credentials, passthrough, delegated or oauth; \"delegated\" is already set"
        ),
        (
            sessions + "servers:\n  crm:\n    url: http://h/mcp\n    credentials:\n      passthrough: { audience: x }\n      delegated: {}\n",
            "switchboard.yaml:8: servers.crm.credentials.delegated: set at most one of bearer_file, oauth_client_credentials, passthrough, delegated or oauth; \"passthrough\" is already set"
        ),
        (
            sessions + "servers:\n  crm:\n    url: http://h/mcp\n    credentials:\n      delegated: { audience: x }\n",
            "switchboard.yaml:7: servers.crm.credentials.delegated.audience: unknown key; delegated takes no keys"
        ),
        (
            sessions + "servers:\n  crm:\n    url: http://h/mcp\n    credentials:\n      delegated: true\n",
            "switchboard.yaml:7: servers.crm.credentials.delegated: expected a mapping"
        ),
        (
            sessions + "servers:\n  crm:\n    stdio: { command: x }\n    credentials:\n      delegated: {}\n",
            "switchboard.yaml:6: servers.crm.credentials: credentials apply to url, sse and openapi servers"
        ),
        (
            sessions + "servers:\n  crm:\n    url: http://h/mcp\n    headers: { Authorization: \"Bearer x\" }\n    credentials:\n      delegated: {}\n",
            "switchboard.yaml:7: servers.crm.credentials: credentials set the Authorization header"
        ),
    ])
    func rejectsWithFileLineAndKey(_ yaml: String, _ prefix: String) {
        do {
            _ = try parse(yaml)
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect(error.description.hasPrefix(prefix), "\(error)")
        }
    }

    @Test func theSchemaDescribesDelegated() throws {
        let data = try Data(contentsOf: RepositoryFiles.url("docs/config.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let defs = try #require(schema["$defs"] as? [String: Any])
        let server = try #require(defs["server"] as? [String: Any])
        let credentials = try #require((server["properties"] as? [String: Any])?["credentials"] as? [String: Any])
        let delegated = try #require((credentials["properties"] as? [String: Any])?["delegated"] as? [String: Any])
        #expect(delegated["additionalProperties"] as? Bool == false)
        #expect((delegated["properties"] as? [String: Any])?.isEmpty == true)
        #expect(Set(ConfigLoader.delegatedKeys).isEmpty)
    }
}
