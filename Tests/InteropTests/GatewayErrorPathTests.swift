import Foundation
import Testing
import SwitchboardCore

extension Interop {
    /// Bad input gets the right JSON-RPC code and HTTP status, and changes nothing: the session
    /// keeps working afterwards. Timeouts and unknown names name what failed.
    @Suite struct GatewayErrorPathTests {
        private static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#

        private func openSession(_ http: RawHTTP) async throws -> String {
            let response = try await http.post(Self.initialize)
            #expect(response.status == 200)
            let id = try #require(response.headers["mcp-session-id"])
            #expect(id.count >= 32 && id.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E })
            _ = try await http.post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, headers: ["Mcp-Session-Id": id])
            return id
        }

        @Test func badInputGetsTheRightAnswerAndChangesNothing() async throws {
            try await GatewayHarness.with([FeatureServer(name: "alpha", kind: .stdio)], limits: LimitsConfig(maxBodyBytes: 64 * 1024, maxJSONDepth: 16)) { gateway in
            let http = RawHTTP(url: gateway.url)
            let session = try await openSession(http)
            let s = ["Mcp-Session-Id": session]

            let cases: [(String, String, [String: String], String, Int, Int?)] = [
                ("malformed JSON", #"{"jsonrpc":"2.0","id":2,"method""#, s, "application/json", 400, -32700),
                ("too deep", #"{"jsonrpc":"2.0","id":2,"method":"ping","params":{"a":"# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}}", s, "application/json", 400, -32700),
                ("batch at 2025-11-25", #"[{"jsonrpc":"2.0","id":2,"method":"ping"}]"#, s, "application/json", 400, -32600),
                ("not JSON-RPC", #"{"id":2,"method":"tools/list"}"#, s, "application/json", 400, -32600),
                ("unknown method", #"{"jsonrpc":"2.0","id":2,"method":"tools/destroy"}"#, s, "application/json", 200, -32601),
                ("unknown tool", #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"nope__x","arguments":{}}}"#, s, "application/json", 200, -32602),
                ("missing tool name", #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{}}"#, s, "application/json", 200, -32602),
                ("bad cursor", #"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":"forged"}}"#, s, "application/json", 200, -32602),
                ("unknown session", #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, ["Mcp-Session-Id": "0123456789abcdef0123456789abcdef"], "application/json", 404, nil),
                ("missing session", #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, [:], "application/json", 400, nil),
                ("oversize body", "{\"x\":\"" + String(repeating: "a", count: 70 * 1024) + "\"}", s, "application/json", 413, nil),
                ("wrong content type", #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, s, "text/plain", 415, nil),
                ("bad origin", #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, s.merging(["Origin": "https://evil.example"]) { a, _ in a }, "application/json", 403, nil),
                ("unsupported version header", #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, s.merging(["MCP-Protocol-Version": "1999-01-01"]) { a, _ in a }, "application/json", 400, nil),
            ]
            for (what, body, headers, contentType, status, code) in cases {
                let response = try await http.post(body, headers: headers, contentType: contentType)
                #expect(response.status == status, "\(what): \(response.status) \(response.body)")
                if let code { #expect(response.errorCode == code, "\(what): \(response.body)") }
            }

            // Nothing above broke the session.
            let list = try await http.post(#"{"jsonrpc":"2.0","id":9,"method":"tools/list"}"#, headers: s)
            #expect(list.status == 200)
            let tools = ((list.json?["result"] as? [String: Any])?["tools"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            #expect(tools.contains("alpha__echo"), "\(list.body)")

            // GET without a session, DELETE ends the session, then it is gone.
            #expect(try await http.request("GET", headers: ["Accept": "text/event-stream"]).status == 405)
            #expect(try await http.request("PUT").status == 405)
            #expect(try await http.request("DELETE", headers: s).status == 200)
            #expect(try await http.post(#"{"jsonrpc":"2.0","id":10,"method":"ping"}"#, headers: s).status == 404)
            }
        }

        /// A name the server does not list is answered by the gateway as an unknown tool, with
        /// the guards off too (names are learned from the lists, not the pins): the server never
        /// sees it, so its own answer cannot tell a hidden tool from a missing one. A call before
        /// any list lists the server first.
        @Test func aNameTheServerDoesNotListIsUnknownWithTheGuardsOff() async throws {
            try await GatewayHarness.with([FeatureServer(name: "alpha", kind: .stdio)], configure: { $0.guards.enabled = false }) { gateway in
                let http = RawHTTP(url: gateway.url)
                let s = ["Mcp-Session-Id": try await openSession(http)]
                let unknown = try await http.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"alpha__nope","arguments":{}}}"#, headers: s)
                #expect(unknown.errorCode == -32602, "\(unknown.body)")
                #expect(unknown.body.contains("Unknown tool: alpha__nope"), "\(unknown.body)")
                let known = try await http.post(#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"alpha__echo","arguments":{"text":"hi"}}}"#, headers: s)
                #expect(known.errorCode == nil && known.body.contains("hi"), "\(known.body)")
            }
        }

        /// A call slower than the server's timeout gets an error naming the server, and the
        /// gateway cancels it upstream so the server stops working on it.
        @Test func timeoutNamesTheServerAndCancelsUpstream() async throws {
            var alpha = FeatureServer(name: "alpha", kind: .stdio).serverConfig(port: nil)
            alpha.timeouts.request = .seconds(1)
            try await GatewayHarness.with([], extra: [alpha]) { gateway in
            let http = RawHTTP(url: gateway.url)
            let s = ["Mcp-Session-Id": try await openSession(http)]
            let slow = try await http.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"alpha__slow","arguments":{"seconds":5,"steps":1}}}"#, headers: s)
            #expect(slow.errorCode == JSONRPCErrorCode.upstreamTimeout, "\(slow.body)")
            #expect(slow.body.contains("alpha"))
            let cancelled = try await http.pollCounter("slow_cancelled", request: #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"alpha__status","arguments":{}}}"#, headers: s)
            #expect(cancelled == 1)
            }
        }
    }
}
