import Foundation
import Testing

/// Identity, policy, virtual servers and quotas through a live gateway, seen by the official
/// Python SDK client of both eras: who sees which tools on every page, which calls pass, which
/// are refused and with what reason.
@Suite(.serialized)
struct GovernanceInteropTests {
    static let alphaTools = ["echo", "slow", "status", "ask_user", "summarize", "add_tool", "crash"].map { "alpha__" + $0 }
    static let notesTools = ["echo", "add", "now", "countdown", "word_count"].map { "notes__" + $0 }

    @Test func roleToolArgumentMatrix() async throws {
        var fixture = try GovernanceFixture()
        defer { fixture.remove() }
        try fixture.createKey("reader", roles: ["reader"])
        try fixture.createKey("agent-legacy", roles: ["agent"])
        try fixture.createKey("agent-modern", roles: ["agent"])
        try fixture.createKey("admin", roles: ["admin"])
        try fixture.createKey("ops", roles: ["admin"], virtualServers: ["ops"])
        let keys = fixture.keys
        try await GatewayHarness.with([GovernanceFixture.alpha], extra: [GovernanceFixture.notes], configure: fixture.apply) { gateway in
            // Agents: conditional allows keep tools listed; everything else is hidden on every
            // page of alpha's paginated list.
            for (mode, key) in [("legacy", "agent-legacy"), ("2026-07-28", "agent-modern")] {
                let agent = try await CallerView.run(url: gateway.url, key: keys[key], mode: mode, calls: [
                    ("alpha__echo", #"{"text":"short"}"#),
                    ("alpha__echo", #"{"text":"far too long to pass"}"#),
                    ("notes__add", #"{"a":5,"b":2}"#),
                    ("notes__add", #"{"a":500,"b":2}"#),
                    ("alpha__summarize", #"{"text":"x"}"#),
                    ("alpha__status", "{}"), ("alpha__status", "{}"), ("alpha__status", "{}"),
                ])
                #expect(agent.connectError == nil, "\(mode)")
                // Merged pages interleave servers, so order follows the pages: compare as sets.
                #expect(agent.tools.count == 4 && Set(agent.tools) == ["alpha__echo", "alpha__status", "notes__echo", "notes__add"], "\(mode)")
                #expect(agent.pages >= 4, "alpha's seven tools come two to a page: \(mode)")
                let calls = agent.calls
                try #require(calls.count == 8)
                #expect(calls[0].ok && calls[0].text == "short", "\(mode)")
                #expect(calls[1].code == -31010 && calls[1].data?["rule"] as? String == "default", "\(mode)")
                #expect(calls[1].data?["reason"] as? String == "policy_denied")
                #expect((calls[1].data?["policyVersion"] as? String)?.hasPrefix("fnv:") == true)
                #expect(calls[2].ok && calls[2].text?.contains("\"sum\":7") == true, "\(mode)")
                #expect(calls[3].code == -31010, "\(mode)")
                #expect(calls[4].code == -31010, "\(mode)")
                #expect(calls[5].ok && calls[6].ok, "\(mode): burst of two")
                #expect(calls[7].code == -31011, "\(mode): the third status call exceeds the bucket")
                #expect(calls[7].data?["limit"] as? String == "agent-status")
                #expect((calls[7].data?["retryAfterMs"] as? Int ?? 0) > 1_000_000, "one token an hour")
            }

            let reader = try await CallerView.run(url: gateway.url, key: keys["reader"], calls: [("notes__now", "{}"), ("alpha__echo", #"{"text":"hi"}"#)])
            #expect(reader.tools == Self.notesTools, "readers see the tools hinted read-only, on every page")
            #expect(reader.calls.map(\.ok) == [true, false])
            #expect(reader.calls.last?.code == -31010)

            let admin = try await CallerView.run(url: gateway.url, key: keys["admin"], calls: [("alpha__crash", "{}"), ("alpha__echo", #"{"text":"anything long is fine here"}"#)])
            #expect(admin.tools.count == 11 && Set(admin.tools) == Set(Self.alphaTools.filter { $0 != "alpha__crash" } + Self.notesTools))
            #expect(admin.calls.first?.code == -31010 && admin.calls.first?.data?["rule"] as? String == "no-crash")
            #expect(admin.calls.last?.ok == true)

            // A key limited to a virtual server: refused at /mcp, served at /mcp/ops with the
            // virtual server's tools only, in either era.
            let opsRoot = try await CallerView.run(url: gateway.url, key: keys["ops"])
            #expect(opsRoot.connectError?.contains("may not use /mcp") == true, "\(opsRoot.connectError ?? "connected")")
            for mode in ["legacy", "2026-07-28"] {
                let ops = try await CallerView.run(url: gateway.url + "/ops", key: keys["ops"], mode: mode, calls: [("notes__echo", #"{"text":"hi"}"#), ("alpha__echo", #"{"text":"hi"}"#)])
                #expect(ops.connectError == nil, "\(mode)")
                #expect(ops.tools == Self.notesTools, "\(mode)")
                #expect(ops.calls.first?.ok == true, "\(mode)")
                #expect(ops.calls.last?.code == -32602, "\(mode): outside the virtual server the tool does not exist")
            }

            let nobody = try await CallerView.run(url: gateway.url, key: nil)
            #expect(nobody.connectError?.contains("credentials required") == true, "\(nobody.connectError ?? "connected")")
            let stranger = try await CallerView.run(url: gateway.url, key: "sb_aaaaaaaaaaaa_" + String(repeating: "A", count: 43))
            #expect(stranger.connectError?.contains("unknown API key") == true, "\(stranger.connectError ?? "connected")")
        }
    }
}
