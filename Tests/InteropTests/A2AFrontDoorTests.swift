import Foundation
import SwitchboardCore
import Testing

@testable import SwitchboardDemo

extension Interop {
    /// The A2A front door (issue 15) with the official `a2a-sdk` client, 1.0 and 0.3: cards,
    /// blocking and streamed messages, progress, tasks read and cancelled (the MCP call with
    /// them), an elicitation answered through input-required; and the same identity, policy and
    /// virtual servers as `/mcp`.
    @Suite struct A2AFrontDoorTests {
        @Test func officialClientRunsEveryKindOfTask() async throws {
            try PeerEnvironment.requirePeers()
            try await GatewayHarness.with([FeatureServer(name: "alpha", kind: .stdio)]) { gateway in
                let child = try ChildProcessRunner(PeerEnvironment.python, [
                    PeerEnvironment.path("Tests/Peers/clients/a2a_client.py"), "--base", "http://127.0.0.1:\(gateway.port)",
                ])
                let status = await child.wait(seconds: 120)
                #expect(status == 0, "\(child.standardOutput.suffix(2000))\n\(child.standardError.suffix(3000))")
                let line = try #require(child.standardOutput.split(separator: "\n").last)
                let out = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                // Anonymous callers are allowed here: the public card lists their skills.
                #expect(out["public_skills"] as? Int == 7)
                #expect((out["public_interfaces"] as? [[String]]) == [["JSONRPC", "1.0"], ["JSONRPC", "0.3"]])
                #expect((out["extended_skills"] as? [String])?.contains("alpha__echo") == true)
                #expect(out["echo"] as? [String: String] == ["state": "TASK_STATE_COMPLETED", "text": "hello"])
                #expect((out["get"] as? [String: Any])?["state"] as? String == "TASK_STATE_COMPLETED")
                let kinds = out["stream_kinds"] as? [String] ?? []
                #expect(kinds.first == "task" && kinds.contains("artifact_update") && kinds.last == "status_update", "\(kinds)")
                #expect(out["stream_end"] as? String == "TASK_STATE_COMPLETED")
                #expect(out["progress"] as? [String] == ["step 1/3", "step 2/3", "step 3/3"], "\(out)")
                #expect(out["polled_state"] as? String == "TASK_STATE_WORKING")
                #expect(out["cancelled"] as? String == "TASK_STATE_CANCELED")
                #expect(out["cancel_again"] as? String == "TaskNotCancelableError")
                #expect(out["server_cancelled"] as? Int == 1, "the MCP call was cancelled upstream: \(out)")
                let asked = out["asked"] as? [String: Any]
                #expect(asked?["state"] as? String == "TASK_STATE_INPUT_REQUIRED" && asked?["question"] as? [String] == ["Your name?"], "\(out)")
                #expect(out["answered"] as? [String: String] == ["state": "TASK_STATE_COMPLETED", "text": "answer: Ada"], "\(out)")
                #expect((out["unknown"] as? [String: Any])?["state"] as? String == "TASK_STATE_REJECTED")
                #expect(out["missing_task"] as? String == "TaskNotFoundError")
                #expect(out["v03"] as? [String: String] == ["state": "TASK_STATE_COMPLETED", "text": "from 0.3"], "\(out)")
                #expect(out["v03_get"] as? String == "TASK_STATE_COMPLETED")
            }
        }

        /// A gateway that wants credentials: the public card lists no skills and says how to
        /// authenticate; a key's card lists what its policy lets it call; a call policy refuses
        /// is a rejected task; a key bound to a virtual server reaches its agent only; one
        /// caller cannot read another's task.
        @Test func identityPolicyAndVirtualServersAsAtMCP() async throws {
            try PeerEnvironment.requirePeers()
            var fixture = try GovernanceFixture()
            defer { fixture.remove() }
            try fixture.createKey("agent", roles: ["agent"])
            try fixture.createKey("other", roles: ["agent"])
            try fixture.createKey("ops", roles: ["admin"], virtualServers: ["ops"])
            try await GatewayHarness.with([GovernanceFixture.alpha], extra: [GovernanceFixture.notes], configure: fixture.apply) { gateway in
                let base = "http://127.0.0.1:\(gateway.port)"
                let agent = "Authorization: Bearer \(fixture.keys["agent"]!)"
                let publicCard = try await curl(base + "/.well-known/agent-card.json", [])
                #expect(publicCard.status == 200)
                #expect(publicCard.json?["skills"]?.arrayValue?.isEmpty == true, "\(publicCard.body)")
                #expect(publicCard.json?["securitySchemes"]?["bearer"] != nil, "\(publicCard.body)")
                let card = try await curl(base + "/.well-known/agent-card.json", ["-H", agent])
                let skills = Set(card.json?["skills"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
                #expect(skills == ["alpha__echo", "alpha__status", "notes__echo", "notes__add"], "\(card.body)")

                func send(_ skill: String, _ arguments: String, as header: String, path: String = "/a2a") async throws -> CurlResponse {
                    let body = #"{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"m1","role":"ROLE_USER","parts":[{"data":{"skill":"\#(skill)","arguments":\#(arguments)}}]}}}"#
                    return try await curl(base + path, post: body, [header, "Content-Type: application/json"])
                }
                let short = try await send("alpha__echo", #"{"text":"hi"}"#, as: agent)
                #expect(short.json?["result"]?["task"]?["status"]?["state"]?.stringValue == "TASK_STATE_COMPLETED", "\(short.body)")
                let long = try await send("alpha__echo", #"{"text":"far longer than ten"}"#, as: agent)
                #expect(long.json?["result"]?["task"]?["status"]?["state"]?.stringValue == "TASK_STATE_REJECTED", "\(long.body)")
                #expect(long.body.contains("-31010"), "\(long.body)")

                // Another key cannot see the first key's task.
                let taskID = try #require(short.json?["result"]?["task"]?["id"]?.stringValue)
                let get = #"{"jsonrpc":"2.0","id":2,"method":"GetTask","params":{"id":"\#(taskID)"}}"#
                let mine = try await curl(base + "/a2a", post: get, [agent])
                #expect(mine.json?["result"]?["id"]?.stringValue == taskID, "\(mine.body)")
                let theirs = try await curl(base + "/a2a", post: get, ["Authorization: Bearer \(fixture.keys["other"]!)"])
                #expect(theirs.json?["error"]?["code"]?.integerValue == -32001, "\(theirs.body)")

                let anonymous = try await curl(base + "/a2a", post: get)
                #expect(anonymous.status == 401)

                let ops = "Authorization: Bearer \(fixture.keys["ops"]!)"
                let opsCard = try await curl(base + "/a2a/ops/.well-known/agent-card.json", ["-H", ops])
                let opsSkills = opsCard.json?["skills"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                #expect(!opsSkills.isEmpty && opsSkills.allSatisfy { $0.hasPrefix("notes__") }, "\(opsCard.body)")
                #expect(opsCard.json?["supportedInterfaces"]?.arrayValue?.first?["url"]?.stringValue == base + "/a2a/ops")
                #expect(try await send("notes__echo", #"{"text":"ops"}"#, as: ops).status == 403, "a key bound to ops is refused at /a2a")
                let viaOps = try await send("notes__echo", #"{"text":"ops"}"#, as: ops, path: "/a2a/ops")
                #expect(viaOps.json?["result"]?["task"]?["status"]?["state"]?.stringValue == "TASK_STATE_COMPLETED", "\(viaOps.body)")

                let unknownMethod = try await curl(base + "/a2a", post: #"{"jsonrpc":"2.0","id":3,"method":"tasks/push","params":{}}"#, [agent])
                #expect(unknownMethod.json?["error"]?["code"]?.integerValue == -32601)
                let badVersion = try await curl(base + "/a2a", post: get, [agent, "A2A-Version: 9.0"])
                #expect(badVersion.json?["error"]?["code"]?.integerValue == -32009, "\(badVersion.body)")
            }
        }
    }
}
