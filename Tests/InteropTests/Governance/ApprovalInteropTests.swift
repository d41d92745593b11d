import Foundation
import SwitchboardTesting
import Testing

/// Human approval through the protocol, with the SDK client (mcp 2.3.0) and a Python SDK
/// server: a client that declared elicitation is asked (a legacy session on the call's stream,
/// a 2026-07-28 client with `input_required`) and its answer decides (approve: the call runs;
/// decline: refused, and nothing reaches the server); a client
/// that cannot be asked (either era) gets -31012 with an approval id, an operator approves it
/// (with `switchboard approvals approve`, or on the admin API), and the same call made again
/// goes through, once. A two-person rule is never decided in the client: a client that takes
/// URL elicitation is sent the console's page for the request, and the call passes only after
/// two people other than the caller approved.
/// Every step is in the audit trail with who decided.
@Suite(.serialized) struct ApprovalInteropTests {
    static let policy = """
        policy:
          rules:
            - id: echo-needs-a-human
              effect: require_approval
              tools: ["leaky__echo"]
              server_labels: { risk: [high, critical] }
        """

    static func servers(_ directory: String) -> String {
        """
        servers:
          leaky:
            stdio: { command: "\(PeerEnvironment.python)", args: ["\(PeerEnvironment.path("Tests/Peers/servers/leaky_server.py"))"] }
            labels: { environment: staging, risk: high }
        """
    }

    @Test(arguments: [("legacy", "accept"), ("legacy", "decline"), ("2026-07-28", "accept"), ("2026-07-28", "decline")])
    func aClientThatDeclaredElicitationIsAsked(mode: String, answer: String) async throws {
        try await GuardInteropTests.Gateway.with("approval-ask-\(mode)-\(answer)", guards: Self.policy, servers: Self.servers("")) { gateway in
            let out = try await gateway.run(mode, #"[["call", "leaky__echo", {"text": "restart db1"}], ["call", "leaky__leak", {"what": "benign"}]]"#,
                                            options: ["--elicitation", answer])
            let asked = try #require(out.last?["elicited"] as? [String])
            #expect(asked.count == 1)
            #expect(asked.first?.contains("leaky__echo") == true && asked.first?.contains("echo-needs-a-human") == true)
            // The server's configured labels, trusted data, are part of the question.
            #expect(asked.first?.contains("(server leaky {environment: staging, risk: high})") == true, "\(asked)")
            // The question names the argument, never its value.
            #expect(asked.first?.contains("text (text of 11 characters)") == true && asked.first?.contains("restart db1") == false)
            if answer == "accept" {
                #expect(out[0]["text"] as? String == "restart db1")
            } else {
                let error = try #require(out[0]["error"] as? [String: Any])
                #expect(error["code"] as? Int == -31012)
                #expect((error["data"] as? [String: Any])?["reason"] as? String == "approval_denied")
            }
            // Other tools are not held.
            #expect(out[1]["text"] != nil)
            let records = try gateway.auditRecords().filter { $0["event"] as? String == "approval.changed" }
            #expect(records.compactMap { $0["outcome"] as? String } == ["requested", answer == "accept" ? "used" : "denied"])
            #expect((records.last?["detail"] as? String)?.contains("by client:") == true)
        }
    }

    @Test(arguments: ["legacy", "2026-07-28"])
    func anOperatorApprovesOutOfBandAndTheRetryGoesThrough(mode: String) async throws {
        try await GuardInteropTests.Gateway.with("approval-cli-\(mode)", guards: Self.policy, servers: Self.servers("")) { gateway in
            let first = try await gateway.run(mode, #"[["call", "leaky__echo", {"text": "restart db1"}]]"#)
            let error = try #require(first[0]["error"] as? [String: Any])
            #expect(error["code"] as? Int == -31012)
            let data = try #require(error["data"] as? [String: Any])
            let id = try #require(data["approvalId"] as? String)
            #expect(data["rule"] as? String == "echo-needs-a-human")
            #expect((error["message"] as? String)?.contains("switchboard approvals approve \(id)") == true)

            let listed = try await gateway.command(["approvals", "list", "--json"])
            let pending = try GuardInteropTests.Gateway.lines(listed)
            #expect(pending.map { $0["id"] as? String } == [id])
            #expect(pending.first?["summary"] as? String == "Arguments: text (text of 11 characters)")
            if mode == "legacy" {
                // On the admin API (a loopback gateway without auth lets its operator in).
                let admin = "http://127.0.0.1:\(gateway.port)/admin/v1/approvals"
                let queue = try await curl(admin, [])
                #expect(queue.status == 200 && queue.body.contains(id), "\(queue.body)")
                let noReason = try await curl(admin + "/\(id)/approve", post: "{}")
                #expect(noReason.status == 400)
                let unknown = try await curl(admin + "/apr_nope/approve", post: #"{"reason":"x"}"#)
                #expect(unknown.status == 404)
                let approved = try await curl(admin + "/\(id)/approve", post: #"{"reason":"change CHG-7"}"#)
                #expect(approved.status == 200 && approved.body.contains(#""state":"approved""#), "\(approved.body)")
                let again = try await curl(admin + "/\(id)/deny", post: #"{"reason":"too late"}"#)
                #expect(again.status == 409)
            } else {
                _ = try await gateway.command(["approvals", "approve", id, "--reason", "change CHG-7"])
            }

            // The same call goes through once the gateway has seen the decision; then it is spent.
            let after = try await gateway.run(mode, """
                [["call_until", "leaky__echo", {"text": "restart db1"}, 15], ["call", "leaky__echo", {"text": "restart db1"}],
                 ["call", "leaky__echo", {"text": "restart db2"}]]
                """)
            #expect(after[0]["text"] as? String == "restart db1")
            #expect((after[1]["error"] as? [String: Any])?["code"] as? Int == -31012)
            let other = try #require((after[2]["error"] as? [String: Any])?["data"] as? [String: Any])
            #expect(other["approvalId"] as? String != id, "other arguments need an approval of their own")

            let outcomes = try gateway.auditRecords().filter { $0["event"] as? String == "approval.changed" }.compactMap { $0["outcome"] as? String }
            #expect(outcomes.starts(with: ["requested", "approved", "used"]))
            let decided = try gateway.auditRecords().first { $0["event"] as? String == "approval.changed" && $0["outcome"] as? String == "approved" }
            let by = mode == "legacy" ? "by admin:" : "by cli:"
            #expect((decided?["detail"] as? String)?.contains(by) == true && (decided?["detail"] as? String)?.contains("change CHG-7") == true)
        }
    }

    static let twoPeople = """
        policy:
          rules:
            - id: echo-needs-two
              effect: require_approval
              tools: ["leaky__echo"]
              approval: { approvers: 2 }
        """

    @Test(arguments: ["legacy", "2026-07-28"])
    func aTwoPersonRuleIsDecidedInTheConsoleNeverInTheClient(mode: String) async throws {
        try await GuardInteropTests.Gateway.with("approval-two-\(mode)", guards: Self.twoPeople, servers: Self.servers("")) { gateway in
            // The SDK client declares URL elicitation and answers every question "approve": it
            // is sent the console's page, and its own answer decides nothing.
            let first = try await gateway.run(mode, #"[["call", "leaky__echo", {"text": "drop db1"}]]"#, options: ["--elicitation", "accept"])
            let error = try #require(first[0]["error"] as? [String: Any], "\(first)")
            let data = error["data"] as? [String: Any] ?? [:]
            let id: String, page: String
            if mode == "legacy" {
                // -32042 (URL elicitation required) with the page, the approval id as elicitationId.
                #expect(error["code"] as? Int == -32042)
                let elicitation = try #require((data["elicitations"] as? [[String: Any]])?.first, "\(data)")
                #expect(elicitation["mode"] as? String == "url")
                id = try #require(elicitation["elicitationId"] as? String)
                page = try #require(elicitation["url"] as? String)
                #expect((elicitation["message"] as? String)?.contains("waits for 2 approvers") == true, "\(elicitation)")
            } else {
                // input_required with the page; the SDK opened it ("accept") and retried: still
                // pending, so -31012 naming the page rather than the same question again.
                #expect(error["code"] as? Int == -31012)
                id = try #require(data["approvalId"] as? String)
                page = try #require(data["url"] as? String)
                #expect(data["approvers"] as? Int == 2 && (data["approvedBy"] as? [String])?.isEmpty == true, "\(data)")
                let asked = try #require(first.last?["elicited"] as? [String])
                #expect(asked.count == 1 && asked.first?.contains("waits for 2 approvers") == true, "\(asked)")
            }
            #expect(page == "http://127.0.0.1:\(gateway.port)/console#/guards?approval=\(id)")

            // Without auth the admin API's caller is the agent's anonymous principal: its own
            // call, refused on the API and on the console's page the link opens.
            let approve = "http://127.0.0.1:\(gateway.port)/admin/v1/approvals/\(id)/approve"
            let own = try await curl(approve, post: #"{"reason":"mine"}"#)
            #expect(own.status == 409 && own.body.contains("own call"), "\(own.body)")
            if mode == "legacy" {
                try Interop.ConsoleBrowserTests.requireBrowser()
                let seen = try await Interop.ConsoleBrowserTests.browse("http://127.0.0.1:\(gateway.port)", ["--open", "--approval", id])
                let shown = seen["approval"] as? String ?? ""
                #expect(shown.contains("leaky__echo") && shown.contains("approvers: 0 of 2") && shown.contains("echo-needs-two"), "\(seen)")
                #expect(seen["approval_row"] as? String == id)
                #expect((seen["approve_status"] as? String)?.contains("own call") == true, "\(seen)")
            }
            let once = try await gateway.command(["approvals", "approve", id, "--reason", "CHG-9"], environment: ["USER": "bo"])
            #expect(once.contains("1 of 2 approvers (cli:bo)") && once.contains("needs 1 more"), "\(once)")
            let waiting = try await gateway.run(mode, #"[["call", "leaky__echo", {"text": "drop db1"}]]"#)
            #expect((waiting[0]["error"] as? [String: Any])?["code"] as? Int == -31012, "one approval is not enough: \(waiting)")
            _ = try await gateway.command(["approvals", "approve", id, "--reason", "CHG-9, seen"], environment: ["USER": "carol"])

            let after = try await gateway.run(mode, #"[["call_until", "leaky__echo", {"text": "drop db1"}, 15]]"#)
            #expect(after[0]["text"] as? String == "drop db1", "\(after)")
            let records = try gateway.auditRecords().filter { $0["event"] as? String == "approval.changed" }
            #expect(records.compactMap { $0["outcome"] as? String }.starts(with: ["requested", "seconded", "approved", "used"]), "\(records)")
            let decided = records.first { $0["outcome"] as? String == "approved" }?["detail"] as? String
            #expect(decided?.contains("approved by 2 of 2") == true && decided?.contains("by cli:carol") == true, "\(decided ?? "")")
        }
    }
}
