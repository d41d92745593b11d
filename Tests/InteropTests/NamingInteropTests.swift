import Foundation
import Switchboard
import SwitchboardCore
import Testing

extension Interop {
    /// Names every client accepts (issue 15): three Python SDK servers with dotted, over-long and
    /// shared tool names, in the three prefix modes, behind a gateway with a 64-character budget
    /// less a 10-character reserve. The official SDK client, in both eras, lists the tools and
    /// prompts and calls every one by the name it was shown.
    @Suite struct NamingInteropTests {
        static let long = String(repeating: "summarize_the_quarterly_", count: 4)
        static let yaml = """
            limits:
              max_tool_name_length: 64
              tool_name_reserve: 10
            policy:
              rules:
                - id: no-jira-delete
                  effect: deny
                  tools: [jira__delete.all]
            servers:
              github:
                stdio: { command: PYTHON, args: [SERVER, --label, G, --tools, issues.create, issues_create, search, \(long)a, \(long)b, --prompts, sum.up] }
                names: { alias: gh }
              jira:
                stdio: { command: PYTHON, args: [SERVER, --label, J, --tools, search, issues.create, create, delete.all, --prompts, sum.up] }
                names: { prefix: on_collision, tools: { create: new_ticket } }
              docs:
                stdio: { command: PYTHON, args: [SERVER, --label, D, --tools, search, lookup] }
                names: { prefix: none }
              7zip:
                stdio: { command: PYTHON, args: [SERVER, --label, Z, --tools, pack] }
            """

        /// Every (server label, upstream name) the servers hold; jira's `delete.all` is denied.
        static let reachable: Set<String> = [
            "G:issues.create", "G:issues_create", "G:search", "G:\(long)a", "G:\(long)b",
            "J:search", "J:issues.create", "J:create", "D:search", "D:lookup", "Z:pack",
        ]

        static func config() throws -> GatewayConfig {
            let yaml = Self.yaml.replacingOccurrences(of: "PYTHON", with: PeerEnvironment.python)
                .replacingOccurrences(of: "SERVER", with: PeerEnvironment.path("Tests/Peers/servers/naming_server.py"))
            return try ConfigLoader.parse(yaml: yaml, path: "naming.yaml", environment: [:])
        }

        @Test(arguments: ["legacy", "2026-07-28"])
        func everyToolAndPromptIsReachableByANameEveryModelAPIAccepts(_ mode: String) async throws {
            try PeerEnvironment.requirePeers()
            let parsed = try Self.config()
            try await GatewayHarness.with([], extra: parsed.servers, limits: parsed.limits, configure: { $0.policy = parsed.policy }) { gateway in
                let child = try ChildProcessRunner(PeerEnvironment.python, [PeerEnvironment.path("Tests/Peers/clients/names_client.py"), "--mode", mode, "--url", gateway.url])
                let status = await child.wait(seconds: 90)
                #expect(status == 0, "\(child.standardOutput.suffix(3000))\n\(child.standardError.suffix(3000))")
                let line = try #require(child.standardOutput.split(separator: "\n").last)
                let seen = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [String: String]])
                let tools = try #require(seen["tools"])
                // Each within the budget (64 less the reserve of 10) and the charset, with a letter first.
                let rule = try Regex("^[A-Za-z][A-Za-z0-9_-]{0,53}$")
                for name in tools.keys { #expect(name.wholeMatch(of: rule) != nil, "\(name)") }
                // Every tool reached once, at the server and under the name it was listed by.
                #expect(Set(tools.values) == Self.reachable)
                #expect(tools.count == Self.reachable.count)
                // Chosen names: the alias, charset mapping with a hash where the mapped name is
                // taken, on_collision prefixing, a rename, none mode, a leading letter.
                #expect(tools["gh__issues_create"] == "G:issues_create")
                #expect(tools["gh__search"] == "G:search")
                #expect(tools["jira__search"] == "J:search")
                #expect(tools["search"] == "D:search")
                #expect(tools["issues_create"] == "J:issues.create")
                #expect(tools["new_ticket"] == "J:create")
                #expect(tools["lookup"] == "D:lookup")
                #expect(tools["x_7zip__pack"] == "Z:pack")
                let prompts = try #require(seen["prompts"])
                #expect(Set(prompts.values) == ["G:sum.up", "J:sum.up"])
                #expect(Set(prompts.keys) == ["gh__sum_up", "sum_up"])

                // `check`'s list: each mapped name with why.
                let shown = gateway.runtime.shownNames
                #expect(shown.contains { $0.hasPrefix("tool jira__search ← jira: search") && $0.contains("docs shows the same name") })
                #expect(shown.contains { $0.hasPrefix("tool new_ticket ← jira: create") && $0.contains("renamed in names") })
                #expect(shown.contains { $0.hasPrefix("tool gh__") && $0.contains("shortened with a hash") })
            }
        }

        /// Policy names the canonical tool (`jira__delete.all`): the call by its shown name
        /// (`delete_all`) is refused as well as hidden, and the others still answer.
        @Test func policyJudgesTheCanonicalName() async throws {
            try PeerEnvironment.requirePeers()
            let parsed = try Self.config()
            try await GatewayHarness.with([], extra: parsed.servers, limits: parsed.limits, configure: { $0.policy = parsed.policy }) { gateway in
                let allowed = try await gateway.session(mode: "legacy", tool: "new_ticket")
                #expect(allowed.contains("J:create"), "\(allowed)")
                do {
                    let answer = try await gateway.session(mode: "legacy", tool: "delete_all")
                    Issue.record("a denied tool answered: \(answer)")
                } catch let error as HarnessError {
                    #expect("\(error)".contains("delete_all"), "\(error)")
                }
            }
        }
    }
}
