import Foundation
import SwitchboardTesting
import Testing

/// The result guards live, with a Python SDK server whose results carry secrets, personal data
/// and instructions (Tests/Peers/servers/leaky_server.py) and the SDK client in both eras: a
/// secret is redacted in a tool's text, in its structuredContent (kept consistent), in a
/// prompt and in a resource; a benign result arrives byte for byte; instructions are marked for
/// the model; personal data is reported, not changed; a tool set to block secrets in its
/// arguments is refused before the server sees them; the server's own secrets never reach the
/// client; every finding is in the audit trail, never the text. A tool set to `injection:
/// approve` holds a result with instructions until the client's user releases it (form
/// elicitation, `input_required`): released marked, declined or unaskable withheld.
@Suite(.serialized) struct ResultGuardInteropTests {
    static func servers(_ secretFile: String) -> String {
        """
        servers:
          leaky:
            stdio:
              command: "\(PeerEnvironment.python)"
              args: ["\(PeerEnvironment.path("Tests/Peers/servers/leaky_server.py"))"]
              env: { LEAKY_SECRET_FILE: "\(secretFile)" }
            guards:
              results:
                tools:
                  echo: { arguments: block }
        """
    }

    static let fakeToken = "ghp_8zKq2VbN4xR7tYw1LmP0sD3fG6hJ9kQe5Ua2"

    @Test(arguments: ["legacy", "2026-07-28"])
    func resultsAreScreenedOnTheWayBack(mode: String) async throws {
        let secretFile = PeerEnvironment.temporaryFile("leaky-secret-\(mode).txt")
        defer { try? FileManager.default.removeItem(atPath: secretFile) }
        try await GuardInteropTests.Gateway.with("results-\(mode)", servers: Self.servers(secretFile)) { gateway in
            let out = try await gateway.run(mode, """
                [["call", "leaky__leak", {"what": "secret"}], ["call", "leaky__leak", {"what": "benign"}],
                 ["call", "leaky__leak", {"what": "pii"}],
                 ["call", "leaky__profile", {}], ["prompt", "leaky__brief", {"topic": "db"}], ["read", "leaky://config"],
                 ["call", "leaky__echo", {"text": "use \(Self.fakeToken)"}], ["call", "leaky__echo", {"text": "hello"}],
                 ["call", "leaky__leak", {"what": "injection"}], ["call", "leaky__leak", {"what": "benign"}]]
                """)
            let issued = try String(contentsOfFile: secretFile, encoding: .utf8).split(separator: "\n").map(String.init)
            let (token, password) = (issued[0], issued[1])

            // A secret in a tool's text: redacted in place, the finding in _meta.
            #expect(out[0]["text"] as? String == "Deploy key for the CI runner: [REDACTED:github-token] (rotate monthly).")
            let meta = try #require(out[0]["meta"] as? [String: Any])
            let findings = try #require((meta["io.switchboard/guards"] as? [String: Any])?["findings"] as? [[String: Any]])
            // The SDK returns a str tool's value in content and as structuredContent.result.
            #expect(Set(findings.compactMap { $0["rule"] as? String }) == ["github-token"])
            #expect(findings.compactMap { $0["path"] as? String }.contains("content[0].text"))
            // Benign look-alikes: byte for byte, nothing added.
            #expect(out[1]["text"] as? String == "commit 3f9a1c2b7e4d5f60718293a4b5c6d7e8f9012345, request 123e4567-e89b-12d3-a456-426614174000, 1,204,331 rows in 182.4 s")
            #expect((out[1]["meta"] as? [String: Any])?["io.switchboard/guards"] == nil)
            // Personal data: reported (audit), not changed.
            #expect((out[2]["text"] as? String)?.contains("4111 1111 1111 1111") == true)
            // structuredContent and its text stay consistent.
            let structured = try #require(out[3]["structured"] as? [String: Any])
            #expect(structured["token"] as? String == "[REDACTED:github-token]")
            #expect((out[3]["text"] as? String)?.contains("[REDACTED:github-token]") == true)
            // Prompts and resources.
            #expect(out[4]["text"] as? String == "Brief on db. Use the token [REDACTED:github-token] for the API.")
            #expect(out[5]["text"] as? String == "database_url = postgres://app:[REDACTED:url-credentials]@db.internal:5432/app")
            // A secret in the arguments of a tool set to block them: refused, never sent.
            let refused = try #require(out[6]["error"] as? [String: Any])
            #expect(refused["code"] as? Int == -31016)
            #expect((refused["data"] as? [String: Any])?["reason"] as? String == "arguments_blocked")
            #expect(out[7]["text"] as? String == "hello")
            // Instructions: a first block tells the model; the text itself is left as it came.
            let texts = try #require(out[8]["texts"] as? [String])
            #expect(texts.count == 2)
            #expect(texts[0].hasPrefix("[Switchboard guard]") && texts[0].contains("O-ignore-instructions"))
            #expect(texts[1].hasPrefix("Search results: 3 notes."))
            // From then on this conversation's calls to tools that can act outside it (the
            // server gives no hints: both by default) wait for a human (guards.flow).
            let held = try #require(out[9]["error"] as? [String: Any])
            #expect(held["code"] as? Int == -31012, "\(held)")
            #expect((held["data"] as? [String: Any])?["rule"] as? String == "guards.flow", "\(held)")

            // Nothing the server handed out reached the client.
            let everything = String(describing: out)
            #expect(!everything.contains(token) && !everything.contains(password))

            // The trail has every finding, by rule and path, and no text.
            let records = try gateway.auditRecords()
            let details = records.compactMap { $0["detail"] as? String }
            #expect(details.contains { $0.contains("result: secret github-token at content[0].text (redacted)") })
            #expect(details.contains { $0.contains("pii pii-card") && $0.contains("pii pii-email") })
            #expect(details.contains { $0.contains("injection O-ignore-instructions") })
            #expect(records.contains { $0["event"] as? String == "call.refused" && $0["decision"] as? String == "guard_blocked" })
            let trail = records.map { String(describing: $0) }.joined()
            #expect(!trail.contains(token) && !trail.contains(Self.fakeToken) && !trail.contains(password))
        }
    }

    static let heldServers = """
        servers:
          leaky:
            stdio: { command: "\(PeerEnvironment.python)", args: ["\(PeerEnvironment.path("Tests/Peers/servers/leaky_server.py"))"] }
            guards:
              results:
                tools:
                  leak: { injection: approve }
        """

    @Test(arguments: [("legacy", "accept"), ("legacy", "decline"), ("legacy", "none"), ("2026-07-28", "accept"), ("2026-07-28", "decline"), ("2026-07-28", "none")])
    func aResultWithInstructionsWaitsForTheUsersRelease(mode: String, answer: String) async throws {
        try await GuardInteropTests.Gateway.with("results-held-\(mode)-\(answer)", servers: Self.heldServers) { gateway in
            let out = try await gateway.run(mode, #"[["call", "leaky__leak", {"what": "injection"}], ["call", "leaky__leak", {"what": "benign"}]]"#,
                                            options: answer == "none" ? [] : ["--elicitation", answer])
            if answer == "accept" {
                // Released, marked as warn marks it.
                let texts = try #require(out[0]["texts"] as? [String], "\(out)")
                #expect(texts.count == 2 && texts[0].hasPrefix("[Switchboard guard]") && texts[1].hasPrefix("Search results: 3 notes."), "\(texts)")
            } else {
                // Declined, or a client that cannot be asked: withheld.
                let error = try #require(out[0]["error"] as? [String: Any], "\(out)")
                #expect(error["code"] as? Int == -31016)
                #expect((error["data"] as? [String: Any])?["reason"] as? String == "result_blocked")
                #expect(!String(describing: error).contains("archive@evil.test"))
            }
            // A clean result of the same tool is never held.
            #expect((out[1]["text"] as? String)?.hasPrefix("commit ") == true, "\(out)")
            if answer != "none" {
                let asked = try #require(out.last?["elicited"] as? [String])
                // Only a released result taints the conversation (guards.flow): the next call
                // to a tool that can act outside it was asked about too (and accepted).
                #expect(asked.count == (answer == "accept" ? 2 : 1), "\(asked)")
                if answer == "accept" { #expect(asked.last?.contains("guards.flow") == true, "\(asked)") }
                // The gateway's words: the tool, the server, the rule and where; never the text.
                #expect(asked.first?.contains("the result of leak (server leaky) holds instructions to the model (O-ignore-instructions at content[0].text") == true, "\(asked)")
                #expect(asked.first?.contains("archive@evil.test") == false)
            }
            let details = try gateway.auditRecords().compactMap { $0["detail"] as? String }
            #expect(details.contains { $0.contains(answer == "accept" ? "result released by client:" : "injection O-ignore-instructions") }, "\(details)")
        }
    }
}
