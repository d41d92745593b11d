import Foundation
import SwitchboardTesting
import Testing

/// The guards live, with a Python SDK server that changes its tools at run time
/// (Tests/Peers/servers/drifting_server.py) and the SDK client in both eras: a cosmetic
/// re-encoding is no change; a poisoned change is quarantined (gone from the list, its calls
/// refused with the reason and pins) while the server's other tools keep working; an operator's
/// approval with `switchboard pins` brings it back and clients are told to list again; a rename
/// is a new tool; a name the server does not list is unknown to the gateway; every step is in
/// the audit trail.
@Suite(.serialized) struct GuardInteropTests {
    struct Gateway {
        let directory: String
        let config: String
        let port: Int
        let process: ChildProcessRunner

        static let drifting = """
            servers:
              drifting:
                stdio: { command: "\(PeerEnvironment.python)", args: ["\(PeerEnvironment.path("Tests/Peers/servers/drifting_server.py"))"] }
            """

        /// A gateway with `guards` and `servers` (YAML sections) over a fresh store and journal
        /// in a directory of its own (`{dir}` in them stands for it).
        static func start(_ name: String, guards: String = "", servers: String = drifting) async throws -> Gateway {
            let directory = PeerEnvironment.temporaryFile(name)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let port = try FreePort.next()
            let config = directory + "/switchboard.yaml"
            try """
                listen: 127.0.0.1:\(port)
                store: sqlite:switchboard.db
                audit:
                  journal: audit
                \(guards)
                \(servers.replacingOccurrences(of: "{dir}", with: directory))
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let process = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["serve", "--config", config])
            try await eventually("the gateway to serve", timeout: .seconds(60), every: .milliseconds(100)) {
                (try? await curl("http://127.0.0.1:\(port)/readyz", [], maxTime: 1))?.body.contains(#""state":"ready""#) == true
            }
            return Gateway(directory: directory, config: config, port: port, process: process)
        }

        /// The SDK client through `actions` (guard_client.py): one JSON object per action.
        func client(_ mode: String, _ actions: String, options: [String] = []) throws -> ChildProcessRunner {
            try ChildProcessRunner(PeerEnvironment.python, [
                PeerEnvironment.path("Tests/Peers/clients/guard_client.py"), "--url", "http://127.0.0.1:\(port)/mcp", "--mode", mode, "--actions", actions,
            ] + options)
        }

        func run(_ mode: String, _ actions: String, options: [String] = []) async throws -> [[String: Any]] {
            let child = try client(mode, actions, options: options)
            let status = await child.wait(seconds: 90)
            try #require(status == 0, "guard_client: \(child.standardError.suffix(3000))")
            return try Self.lines(child.standardOutput)
        }

        static func lines(_ text: String) throws -> [[String: Any]] {
            try text.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        }

        func pins(_ arguments: [String]) async throws -> String {
            try await command(["pins"] + arguments)
        }

        /// `switchboard` with `arguments` and this gateway's config: its standard output.
        func command(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
            let child = try ChildProcessRunner(PeerEnvironment.switchboardBinary, arguments + ["--config", config], environment: environment)
            let status = await child.wait(seconds: 30)
            try #require(status == 0, "\(arguments): \(child.standardError)")
            return child.standardOutput
        }

        /// The audit journal's records, as JSON objects.
        func auditRecords() throws -> [[String: Any]] {
            let folder = directory + "/audit"
            var out: [[String: Any]] = []
            for file in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where file.hasSuffix(".jsonl") {
                let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
                for line in text.split(separator: "\n") where line.hasPrefix("{") {
                    if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { out.append(object) }
                }
            }
            return out
        }

        /// Runs `body` with a gateway started as `start` does, stopping it afterwards, failed or not.
        static func with(_ name: String, guards: String = "", servers: String = drifting, _ body: (Gateway) async throws -> Void) async throws {
            try await stopping(try await start(name, guards: guards, servers: servers), stop: { await $0.stop() }, body)
        }

        func stop() async {
            process.terminate()
            _ = await process.wait(seconds: 30)
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func tools(_ line: [String: Any]) -> [String] { line["tools"] as? [String] ?? [] }
    static func error(_ line: [String: Any]) -> [String: Any] { line["error"] as? [String: Any] ?? [:] }

    @Test(arguments: ["legacy", "2026-07-28"])
    func aPoisonedChangeIsQuarantinedUntilApproved(mode: String) async throws {
        try await Gateway.with("guards-\(mode)") { gateway in try await quarantineAndApproval(gateway, mode: mode) }
    }

    private func quarantineAndApproval(_ gateway: Gateway, mode: String) async throws {

        let first = try await gateway.run(mode, """
            [["list"], ["call", "drifting__mutate", {"change": "cosmetic"}], ["list_until", "drifting__search", true, 5], ["call", "drifting__search", {"query": "a"}],
             ["call", "drifting__mutate", {"change": "poison"}], ["list_until", "drifting__search", false, 10], ["call", "drifting__search", {"query": "b"}],
             ["call", "drifting__nothing", {}]]
            """)
        #expect(Self.tools(first[0]) == ["drifting__search", "drifting__mutate"])
        // Key order, property order and 5000.0 for 5000: the same pin, still listed and callable.
        #expect(first[2]["ok"] as? Bool == true)
        #expect(first[3]["text"] as? String == "found a")
        // The poisoned text: gone from the list, the rest of the server still there.
        #expect(first[5]["ok"] as? Bool == true, "\(first[5])")
        #expect(Self.tools(first[5]) == ["drifting__mutate"])
        let refused = Self.error(first[6])
        #expect(refused["code"] as? Int == -31015)
        let data = try #require(refused["data"] as? [String: Any])
        #expect(data["reason"] as? String == "quarantined")
        #expect(data["state"] as? String == "drifted")
        #expect(data["rules"] as? [String] == ["X-bcc-everything"])
        #expect((refused["message"] as? String)?.contains("switchboard pins diff drifting search") == true)
        // Never listed: answered by the gateway, never forwarded.
        #expect(Self.error(first[7])["code"] as? Int == -32602)
        #expect((Self.error(first[7])["message"] as? String)?.contains("Unknown tool: drifting__nothing") == true)

        let drifted = try await gateway.pins(["list", "--json", "--state", "drifted"])
        let pin = try #require(try Gateway.lines(drifted).first)
        #expect(pin["name"] as? String == "search")
        let seen = try #require(pin["pin"] as? String)

        // A client waits while an operator approves what it reviewed; the tool comes back.
        let waiting = try gateway.client(mode, """
            [["list"], ["wait_list_changed", 15], ["list_until", "drifting__search", true, 10], ["call", "drifting__search", {"query": "c"}],
             ["call", "drifting__mutate", {"change": "rename"}], ["list_until", "drifting__search_v2", true, 10], ["call", "drifting__search_v2", {"query": "d"}]]
            """)
        _ = try await waiting.waitForLine(prefix: "DONE 0", seconds: 60)
        _ = try await gateway.pins(["approve", "drifting", "search", "--pin", String(seen.prefix(12)), "--reason", "the archive address is ours"])
        #expect(await waiting.wait(seconds: 90) == 0, "\(waiting.standardError.suffix(2000))")
        let second = try Gateway.lines(waiting.standardOutput)
        #expect(Self.tools(second[0]) == ["drifting__mutate"])
        if mode == "legacy" { #expect(second[1]["list_changed"] as? Bool == true) }
        #expect(second[2]["ok"] as? Bool == true)
        #expect(second[3]["text"] as? String == "found c")
        // A rename is a new tool, judged afresh (clean, so approved on first use).
        #expect(Self.tools(second[5]).contains("drifting__search_v2"))
        #expect(second[6]["text"] as? String == "found d")

        let records = try gateway.auditRecords()
        let pinEvents = records.filter { $0["event"] as? String == "pin.changed" && $0["tool"] as? String == "search" }.compactMap { $0["outcome"] as? String }
        #expect(pinEvents.contains("drifted"))
        #expect(pinEvents.contains("approved"))
        #expect(records.contains { $0["event"] as? String == "call.refused" && $0["decision"] as? String == "quarantined" && ($0["rule"] as? String) == "X-bcc-everything" })
    }

    @Test func withoutTrustOnFirstUseNothingIsListedUntilApproved() async throws {
        try await Gateway.with("guards-no-tofu", guards: "guards:\n  trust_on_first_use: false\n") { gateway in
            try await approvalBeforeExposure(gateway)
        }
    }

    /// `mode: approve`: a tool whose definition changed stays listed, and each call to it waits
    /// for a human (here out of band, with the CLI); the same call then goes through.
    @Test func inApproveModeAChangedToolIsCalledOnlyWithAHumansSayso() async throws {
        try await Gateway.with("guards-approve-mode", guards: "guards:\n  mode: approve\n") { gateway in
            let first = try await gateway.run("legacy", """
                [["call", "drifting__mutate", {"change": "poison"}], ["list"], ["call", "drifting__search", {"query": "a"}]]
                """)
            #expect(Self.tools(first[1]).contains("drifting__search"), "still listed: \(first[1])")
            let held = Self.error(first[2])
            #expect(held["code"] as? Int == -31012, "\(first[2])")
            let data = try #require(held["data"] as? [String: Any])
            #expect(data["rule"] as? String == "guards.pins")
            let id = try #require(data["approvalId"] as? String)
            _ = try await gateway.command(["approvals", "approve", id, "--reason", "read the new text"])
            // The gateway sees a decision made with the CLI at its next poll of the store.
            try await eventually("the gateway to see the approval") {
                try gateway.auditRecords().contains { $0["event"] as? String == "approval.changed" && $0["outcome"] as? String == "approved"
                    && ($0["detail"] as? String)?.contains(id) == true }
            }
            let again = try await gateway.run("legacy", #"[["call", "drifting__search", {"query": "a"}], ["call", "drifting__search", {"query": "b"}]]"#)
            #expect(again[0]["text"] as? String == "found a", "\(again[0])")
            #expect(Self.error(again[1])["code"] as? Int == -31012, "other arguments need their own approval")
        }
    }

    /// The same decisions through the admin API: list, diff, approve (checked against the pin
    /// reviewed, or every waiting pin of a server), accept a finding, export; refused with the
    /// right status when the body, the pin or the name is wrong.
    @Test func anOperatorDecidesThroughTheAdminAPI() async throws {
        try await Gateway.with("guards-admin-api", guards: "guards:\n  trust_on_first_use: false\n") { gateway in
            let admin = "http://127.0.0.1:\(gateway.port)/admin/v1/pins"
            let before = try await gateway.run("legacy", #"[["list"], ["call", "drifting__search", {"query": "a"}]]"#)
            #expect(Self.tools(before[0]).isEmpty)
            #expect(Self.error(before[1])["code"] as? Int == -31015)

            let pending = try await curl(admin + "?state=pending", [])
            #expect(pending.status == 200, "\(pending.body)")
            let listed = try #require(try JSONSerialization.jsonObject(with: Data(pending.body.utf8)) as? [[String: Any]])
            #expect(Set(listed.compactMap { $0["name"] as? String }) == ["search", "mutate"], "\(pending.body)")
            let seen = try #require(listed.first { $0["name"] as? String == "search" }?["pin"] as? String)

            let diff = try await curl(admin + "/drifting/search", [])
            let shown = try #require(try JSONSerialization.jsonObject(with: Data(diff.body.utf8)) as? [String: Any])
            #expect((shown["pin"] as? [String: Any])?["state"] as? String == "pending")
            #expect((shown["diff"] as? String)?.contains("{+") == true, "never approved: all of it is new: \(diff.body)")

            #expect(try await curl(admin + "/drifting/search/approve", post: "{}").status == 400)
            let moved = try await curl(admin + "/drifting/search/approve", post: #"{"reason": "reviewed", "pin": "000000000000"}"#)
            #expect(moved.status == 409, "\(moved.body)")
            #expect(try await curl(admin + "/nowhere/search/approve", post: #"{"reason": "reviewed"}"#).status == 404)
            let one = try await curl(admin + "/drifting/search/approve", post: #"{"reason": "reviewed", "pin": "\#(seen.prefix(12))"}"#)
            #expect(one.status == 200 && one.body.contains(#""state":"approved""#), "\(one.body)")
            let all = try await curl(admin + "/drifting/approve", post: #"{"reason": "the rest too"}"#)
            #expect(all.status == 200 && all.body.contains(#""name":"mutate""#) && !all.body.contains(#""name":"search""#), "\(all.body)")

            let after = try await gateway.run("legacy", #"[["list_until", "drifting__search", true, 10], ["call", "drifting__search", {"query": "b"}]]"#)
            #expect(after[1]["text"] as? String == "found b")

            let accepted = try await curl(admin + "/drifting/search/accept", post: #"{"rule": "X-bcc-everything", "reason": "the archive is ours"}"#)
            #expect(accepted.status == 200, "\(accepted.body)")
            #expect(try await curl(admin + "/drifting/search/accept", post: #"{"rule": "X-bcc-everything"}"#).status == 400)
            #expect(try await curl(admin + "/drifting/search/accept", post: #"{"rule": "X-bcc-everything", "revoke": true}"#).status == 200)
            #expect(try await curl(admin + "/drifting/search/accept", post: #"{"rule": "X-bcc-everything", "revoke": true}"#).status == 404)

            let export = try await curl(admin + "/export?server=drifting", [])
            #expect(export.status == 200 && export.body.contains("search") && export.body.contains(seen), "\(export.body)")
            #expect(try await curl(admin + "/import", post: export.body).status == 200)
            #expect(try await curl(admin + "/import", post: "not a pins file").status == 400)

            try await eventually("the gateway to record the approval") {
                try gateway.auditRecords().contains { $0["event"] as? String == "pin.changed" && $0["outcome"] as? String == "approved"
                    && ($0["detail"] as? String)?.contains("admin:anonymous") == true }
            }
            #expect(try gateway.auditRecords().contains { $0["event"] as? String == "admin.action" && ($0["method"] as? String)?.hasPrefix("POST /admin/v1/pins/drifting/search/approve") == true })
        }
    }

    private func approvalBeforeExposure(_ gateway: Gateway) async throws {
        let before = try await gateway.run("legacy", #"[["list"], ["call", "drifting__search", {"query": "a"}]]"#)
        #expect(Self.tools(before[0]).isEmpty)
        #expect(Self.error(before[1])["code"] as? Int == -31015)
        #expect((Self.error(before[1])["data"] as? [String: Any])?["state"] as? String == "pending")
        let approved = try await gateway.pins(["approve", "drifting", "--all"])
        #expect(approved.contains("approved drifting/search"))
        let after = try await gateway.run("legacy", #"[["list_until", "drifting__search", true, 10], ["call", "drifting__search", {"query": "b"}]]"#)
        #expect(after[0]["ok"] as? Bool == true)
        #expect(after[1]["text"] as? String == "found b")
    }
}
