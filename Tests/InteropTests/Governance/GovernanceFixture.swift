import Foundation
import Switchboard
import SwitchboardCore
import SwitchboardIdentity
import SwitchboardStore

/// The governance test setup: a store with API keys, the policy, virtual servers and quotas
/// below, and two upstreams — a Python SDK feature server whose tools list comes in pages of
/// two, and the built-in demo server whose tools declare `readOnlyHint`.
struct GovernanceFixture {
    /// `docs/security.md` walks through this same policy.
    static let yaml = """
        auth:
          anonymous: false
        policy:
          default: deny
          rules:
            - id: no-crash
              description: nobody stops a server through the gateway
              effect: deny
              tools: ["*__crash"]
            - id: readers-read-only
              effect: allow
              roles: [reader]
              annotations: { readOnlyHint: true }
            - id: agents-short-echo
              effect: allow
              roles: [agent]
              tools: [alpha__echo, notes__echo]
              arguments:
                - { pointer: /text, max_length: 10 }
            - id: agents-small-sums
              effect: allow
              roles: [agent]
              tools: [notes__add]
              arguments:
                - { pointer: /a, min: 0, max: 100 }
            - id: agents-status
              effect: allow
              roles: [agent]
              tools: [alpha__status]
            - id: admins
              effect: allow
              roles: [admin]
        virtual_servers:
          ops:
            description: the demo server's tools only
            tools: ["notes__*"]
        quotas:
          limits:
            - id: agent-status
              per: principal
              roles: [agent]
              tools: [alpha__status]
              rate: 1/h
              burst: 2
        """

    let directory: String
    let store: SQLiteStore
    /// Key text by name.
    private(set) var keys: [String: String] = [:]

    init() throws {
        directory = PeerEnvironment.temporaryFile("governance")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(url: "sqlite:\(directory)/switchboard.db")
    }

    mutating func createKey(_ name: String, roles: [String], virtualServers: [String]? = nil) throws {
        keys[name] = try store.createKey(name: name, roles: roles, tenant: nil, virtualServers: virtualServers, expiresAt: nil).key
    }

    /// The harness's config with this fixture's store, auth, policy, virtual servers and quotas.
    func apply(to config: inout GatewayConfig) throws {
        let governed = try ConfigLoader.parse(yaml: Self.yaml, path: "governance.yaml", environment: [:])
        config.store = "sqlite:\(directory)/switchboard.db"
        config.auth = governed.auth
        config.policy = governed.policy
        config.virtualServers = governed.virtualServers
        config.quotas = governed.quotas
    }

    /// The two upstreams: `alpha` (feature server, pages of two tools) and `notes` (demo).
    static let alpha = FeatureServer(name: "alpha", kind: .stdio, extraArguments: ["--page-size", "2"])
    static let notes = ServerConfig(
        name: "notes", transport: .stdio(StdioLaunch(command: PeerEnvironment.switchboardBinary, args: ["demo-server", "--transport", "stdio", "--name", "notes"]))
    )

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// One run of Tests/Peers/clients/governance.py: a caller's whole view through the SDK client.
struct CallerView {
    struct Call {
        var tool: String
        var ok: Bool
        var text: String?
        var code: Int?
        var data: [String: Any]?
    }

    var connectError: String?
    var tools: [String]
    var pages: Int
    var calls: [Call]

    static func run(url: String, key: String?, mode: String = "legacy", calls: [(String, String)] = []) async throws -> CallerView {
        var arguments = [PeerEnvironment.path("Tests/Peers/clients/governance.py"), "--url", url, "--mode", mode]
        if let key { arguments += ["--header", "Authorization: Bearer \(key)"] }
        for (tool, json) in calls { arguments += ["--call", "\(tool)=\(json)"] }
        let child = try ChildProcessRunner(PeerEnvironment.python, arguments)
        let status = await child.wait(seconds: 90)
        guard status == 0, let line = child.standardOutput.split(separator: "\n").last,
            let report = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else {
            throw HarnessError("governance.py failed (\(status)):\n\(child.standardOutput.suffix(3000))\n\(child.standardError.suffix(3000))")
        }
        return CallerView(
            connectError: report["connectError"] as? String,
            tools: report["tools"] as? [String] ?? [],
            pages: report["pages"] as? Int ?? 0,
            calls: (report["calls"] as? [[String: Any]] ?? []).map {
                Call(tool: $0["tool"] as? String ?? "", ok: $0["ok"] as? Bool ?? false, text: $0["text"] as? String, code: $0["code"] as? Int, data: $0["data"] as? [String: Any])
            }
        )
    }
}
