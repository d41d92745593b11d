import Foundation
import Logging
import Switchboard
import SwitchboardCore
import Testing
import SwitchboardTesting

/// Hot reload: the config file edited under a running gateway changes the rules within the
/// poll interval, sessions carry on, and a file that does not validate changes nothing.
@Suite struct PolicyReloadTests {
    static func policy(denying tool: String, id: String) -> String {
        """
        policy:
          rules:
            - id: \(id)
              effect: deny
              tools: [\(tool)]
        """
    }

    @Test func editedPolicyAppliesWithoutDroppingSessions() async throws {
        let file = PeerEnvironment.temporaryFile("reload.yaml")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Self.policy(denying: "notes__add", id: "no-add").write(toFile: file, atomically: true, encoding: .utf8)
        let first = try ConfigLoader.load(path: file, environment: [:])
        let journal = PeerEnvironment.temporaryFile("reload-audit")
        defer { try? FileManager.default.removeItem(atPath: journal) }
        try await GatewayHarness.with([], extra: [GovernanceFixture.notes], configure: {
            $0.policy = first.policy
            $0.audit = AuditConfig(journal: journal)
        }) { gateway in
            var logger = Logger(label: "reload.test")
            logger.logLevel = .critical
            let service = ConfigReloadService(path: file, environment: [:], runtime: gateway.runtime, logger: logger, pollInterval: .milliseconds(100))
            let watching = Task { try await service.run() }
            defer { watching.cancel() }

            let http = RawHTTP(url: gateway.url)
            let opened = try await http.post(GovernanceInteropTests.initialize)
            let session = try #require(opened.headers["mcp-session-id"])
            let headers = ["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"]
            func tools() async throws -> [String] {
                let answer = try await http.post(GovernanceInteropTests.listTools, headers: headers)
                let result = answer.json?["result"] as? [String: Any]
                return (result?["tools"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            let before = try await tools()
            #expect(before.contains("notes__echo") && !before.contains("notes__add"))

            try Self.policy(denying: "notes__echo", id: "no-echo").write(toFile: file, atomically: true, encoding: .utf8)
            var after = try await tools()
            if let edited = try? await eventuallyValue("the edited policy", every: .milliseconds(100), { () async throws -> [String]? in
                let listed = try await tools()
                return listed.contains("notes__add") ? listed : nil
            }) {
                after = edited
            }
            #expect(after.contains("notes__add") && !after.contains("notes__echo"), "the edited file applied to the same session: \(after)")

            // A file that does not validate is refused; the rules in force stay.
            try (Self.policy(denying: "notes__add", id: "no-add") + "\n      arguments: [{ pointer: /x, regex: \"(\" }]\n")
                .write(toFile: file, atomically: true, encoding: .utf8)
            #expect(service.reload(reason: "test") == nil)
            #expect(try await tools() == after)

            // The trail says which policy came into force and that a file was refused.
            let records = try Interop.AuditTrailTests.records(journal)
            let reloaded = records.filter { $0["event"] as? String == "config.reloaded" }
            #expect(reloaded.contains { ($0["detail"] as? String)?.hasPrefix("file changed") == true && $0["policy_version"] as? String == gateway.runtime.policyVersion }, "\(reloaded)")
            let refused = try #require(records.last { $0["event"] as? String == "config.reload_refused" })
            #expect(refused["policy_version"] as? String == gateway.runtime.policyVersion)
            #expect((refused["detail"] as? String)?.contains("did not validate") == true)
        }
    }
}
