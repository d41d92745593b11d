import Foundation
import Switchboard
import SwitchboardCore
import Testing

extension Interop {
    /// Names every client accepts (issue 15): Python SDK servers with dotted, over-long and
    /// shared tool names, in the three prefix modes, behind a gateway with a 64-character budget
    /// less a 10-character reserve, three of them listing the same resource URI and two the
    /// same template. The official SDK client, in both eras, lists the tools, prompts, resources
    /// and templates and calls or reads every one by the name or URI it was shown; in legacy
    /// mode it subscribes to every resource and gets each update under its own URI.
    @Suite struct NamingInteropTests {
        static let long = String(repeating: "summarize_the_quarterly_", count: 4)
        /// One URI three servers list (issue 15 "Done when" 2).
        static let shared = "file:///shared/readme.md"
        static let yaml = """
            limits:
              max_tool_name_length: 64
              tool_name_reserve: 10
            policy:
              rules:
                - id: no-jira-delete
                  effect: deny
                  tools: [jira__delete.all]
            virtual_servers:
              finder:
                tools: ["*"]
                search: { always: [docs__lookup] }
            servers:
              github:
                stdio: { command: PYTHON, args: [SERVER, --label, G, --tools, issues.create, issues_create, search, \(long)a, \(long)b, --prompts, sum.up, --resources, \(shared), "file:///gh.md", --templates, "notes://{id}"] }
                names: { alias: gh }
                era: legacy
              jira:
                stdio: { command: PYTHON, args: [SERVER, --label, J, --tools, search, issues.create, create, delete.all, --prompts, sum.up, --resources, \(shared), --templates, "notes://{id}"] }
                names: { prefix: on_collision, tools: { create: new_ticket } }
                era: legacy
              docs:
                stdio: { command: PYTHON, args: [SERVER, --label, D, --tools, search, lookup, --resources, \(shared), --templates, "docs://{id}"] }
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
                let seen = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let tools = try #require(seen["tools"] as? [String: String])
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
                let prompts = try #require(seen["prompts"] as? [String: String])
                #expect(Set(prompts.values) == ["G:sum.up", "J:sum.up"])
                #expect(Set(prompts.keys) == ["gh__sum_up", "sum_up"])

                // Each server's copy of the shared URI: listed once per server, read from it,
                // its contents under the URI the client asked for.
                let resources = try #require(seen["resources"] as? [String: String])
                #expect(resources == [
                    "switchboard://github/\(Self.shared)": "switchboard://github/\(Self.shared)=G:\(Self.shared);",
                    "switchboard://jira/\(Self.shared)": "switchboard://jira/\(Self.shared)=J:\(Self.shared);",
                    "switchboard://docs/\(Self.shared)": "switchboard://docs/\(Self.shared)=D:\(Self.shared);",
                    "file:///gh.md": "file:///gh.md=G:file:///gh.md;",
                ])
                #expect(try #require(seen["templates"] as? [String: String]) == [
                    "switchboard://github/notes://7": "switchboard://github/notes://7=G:notes://7;",
                    "switchboard://jira/notes://7": "switchboard://jira/notes://7=J:notes://7;",
                    "docs://7": "docs://7=D:docs://7;",
                ])
                // Updates reach the URI subscribed to: github's and jira's copies of the shared
                // URI each get their own server's update, not the other's (both servers legacy,
                // where the Python server sends one when subscribed; docs runs 2026-07-28 and
                // sends none, so its copy gets none either).
                if mode == "legacy" {
                    #expect(try #require(seen["updated"] as? [String]) == ["file:///gh.md", "switchboard://github/\(Self.shared)", "switchboard://jira/\(Self.shared)"])
                }

                // `check`'s list: each mapped name with why.
                let shown = gateway.runtime.shownNames
                #expect(shown.contains { $0.hasPrefix("tool jira__search ← jira: search") && $0.contains("docs shows the same name") })
                #expect(shown.contains { $0.hasPrefix("tool new_ticket ← jira: create") && $0.contains("renamed in names") })
                #expect(shown.contains { $0.hasPrefix("tool gh__") && $0.contains("shortened with a hash") })
                #expect(shown.contains("resource switchboard://docs/\(Self.shared) ← docs: \(Self.shared) (github, jira list it too)"), "\(shown)")
            }
        }

        /// A virtual server in search mode: the SDK client sees `search_tools`, `call_tool` and
        /// the one tool always listed, finds a tool by what it does, and calls it through
        /// `call_tool`; a denied tool is neither found nor callable that way.
        @Test(arguments: ["legacy", "2026-07-28"])
        func searchModeFindsAndCallsTools(_ mode: String) async throws {
            try PeerEnvironment.requirePeers()
            let parsed = try Self.config()
            try await GatewayHarness.with([], extra: parsed.servers, limits: parsed.limits, configure: { $0.policy = parsed.policy; $0.virtualServers = parsed.virtualServers }) { gateway in
                func search(_ query: String) async throws -> (status: Int32, out: [String: Any]) {
                    let child = try ChildProcessRunner(PeerEnvironment.python, [
                        PeerEnvironment.path("Tests/Peers/clients/search_client.py"), "--mode", mode, "--url", gateway.url + "/finder", "--query", query,
                    ])
                    let status = await child.wait(seconds: 60)
                    let line = child.standardOutput.split(separator: "\n").last.map(String.init) ?? "{}"
                    let out = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? ["stderr": child.standardError.suffix(2000)]
                    return (status, out)
                }
                let ticket = try await search("new ticket")
                #expect(ticket.status == 0, "\(ticket.out)")
                #expect(ticket.out["listed"] as? [String] == ["search_tools", "call_tool", "lookup"])
                #expect(ticket.out["called"] as? String == "new_ticket")
                #expect(ticket.out["answer"] as? String == "J:create")
                let delete = try await search("delete all")
                #expect(!((delete.out["found"] as? [String]) ?? []).contains("delete_all"), "\(delete.out)")
                #expect(delete.out["answer"] as? String != "J:delete.all", "\(delete.out)")
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
