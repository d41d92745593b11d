import Foundation
import Testing
import SwitchboardCore

@testable import SwitchboardDemo

extension Interop {
    /// The REST and OpenAI front doors (issue 15) with httpx, every shape checked against the
    /// official `mcp` and `openai` packages' types: a Python SDK server behind the gateway.
    @Suite struct RESTFrontDoorTests {
        @Test func restAndOpenAIShapesValidate() async throws {
            try PeerEnvironment.requirePeers()
            try await GatewayHarness.with([FeatureServer(name: "alpha", kind: .stdio)]) { gateway in
                let child = try ChildProcessRunner(PeerEnvironment.python, [
                    PeerEnvironment.path("Tests/Peers/clients/rest_client.py"), "--url", "http://127.0.0.1:\(gateway.port)",
                    "--tool", "alpha__echo", "--arguments", #"{"text":"hello"}"#,
                ])
                let status = await child.wait(seconds: 60)
                #expect(status == 0, "\(child.standardOutput.suffix(2000))\n\(child.standardError.suffix(3000))")
                let line = try #require(child.standardOutput.split(separator: "\n").last)
                let out = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(out["tools"] as? Int == 7)
                #expect(out["openai_tools"] as? Int == 7)
                // The feature server's schemas are plain objects of typed properties: all strict.
                #expect(out["strict_tools"] as? Int == 7, "\(out)")
                #expect(out["call"] as? String == "hello")
                let messages = try #require(out["tool_messages"] as? [String])
                #expect(messages.first == "hello")
                #expect(messages.last?.hasPrefix("Error: Unknown tool") == true, "\(messages)")
                #expect(out["unknown"] as? Int == 404)
            }
        }

        /// The same identity and policy as `/mcp`: no key is 401, an argument predicate
        /// refuses a call (403, problem+json), and a key bound to a virtual server reaches its
        /// tools with `?virtual_server=` only.
        @Test func restCallsAreGovernedLikeMCPCalls() async throws {
            try PeerEnvironment.requirePeers()
            var fixture = try GovernanceFixture()
            defer { fixture.remove() }
            try fixture.createKey("agent", roles: ["agent"])
            try fixture.createKey("ops", roles: ["admin"], virtualServers: ["ops"])
            try await GatewayHarness.with([GovernanceFixture.alpha], extra: [GovernanceFixture.notes], configure: fixture.apply) { gateway in
                let base = "http://127.0.0.1:\(gateway.port)"
                let agent = "Authorization: Bearer \(fixture.keys["agent"]!)"
                let anonymous = try await curl(base + "/api/v1/tools/alpha__echo/call", post: #"{"text":"hi"}"#)
                #expect(anonymous.status == 401, "\(anonymous.body)")
                let short = try await curl(base + "/api/v1/tools/alpha__echo/call", post: #"{"text":"hi"}"#, [agent])
                #expect(short.status == 200, "\(short.body)")
                #expect(short.body.contains("hi"))
                let long = try await curl(base + "/api/v1/tools/alpha__echo/call", post: #"{"text":"far longer than ten"}"#, [agent])
                #expect(long.status == 403, "\(long.body)")
                #expect(long.headers["content-type"] == "application/problem+json")
                #expect(long.json?["code"]?.integerValue == -31010, "\(long.body)")
                let ops = "Authorization: Bearer \(fixture.keys["ops"]!)"
                let root = try await curl(base + "/api/v1/tools", ["-H", ops])
                #expect(root.status == 403, "\(root.body)")
                let scoped = try await curl(base + "/api/v1/tools?virtual_server=ops", ["-H", ops])
                #expect(scoped.status == 200, "\(scoped.body)")
                let names = scoped.json?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                #expect(!names.isEmpty && names.allSatisfy { $0.hasPrefix("notes__") }, "\(names)")
            }
        }
    }
}
