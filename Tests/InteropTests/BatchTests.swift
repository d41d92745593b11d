import Foundation
import Testing
import SwitchboardCore

extension Interop {
    /// JSON-RPC batches, which only protocol 2025-03-26 has.
    @Suite struct BatchTests {
        private func initialize(_ http: RawHTTP, version: String) async throws -> [String: String] {
            let response = try await http.post(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"\#(version)","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#)
            return ["Mcp-Session-Id": try #require(response.headers["mcp-session-id"])]
        }

        @Test func answersA2025_03_26BatchAsOneArray() async throws {
            try await GatewayHarness.with([FeatureServer(name: "alpha", kind: .stdio)]) { gateway in
                let http = RawHTTP(url: gateway.url)
                let session = try await initialize(http, version: "2025-03-26")
                let batch = """
                [{"jsonrpc":"2.0","method":"notifications/initialized"},
                 {"jsonrpc":"2.0","id":2,"method":"ping"},
                 {"jsonrpc":"2.0","id":"three","method":"tools/call","params":{"name":"alpha__echo","arguments":{"text":"batched"}}},
                 {"not":"json-rpc"},
                 {"jsonrpc":"2.0","id":4,"method":"initialize","params":{}}]
                """
                let response = try await http.post(batch, headers: session)
                #expect(response.status == 200, "\(response.body)")
                let array = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [[String: Any]], "\(response.body)")
                #expect(array.count == 4, "\(response.body)")
                let byID = Dictionary(array.compactMap { e in (e["id"] as? Int).map { (String($0), e) } ?? (e["id"] as? String).map { ($0, e) } }) { a, _ in a }
                #expect(byID["2"]?["result"] != nil)
                #expect(response.body.contains("batched"))
                #expect(((byID["4"]?["error"] as? [String: Any])?["code"] as? Int) == -32600)
                #expect(array.contains { $0["id"] is NSNull && (($0["error"] as? [String: Any])?["code"] as? Int) == -32600 })

                let notifications = try await http.post(#"[{"jsonrpc":"2.0","method":"notifications/initialized"}]"#, headers: session)
                #expect(notifications.status == 202)
                #expect(try await http.post("[]", headers: session).status == 400)
            }
        }

        @Test func refusesBatchesOnLaterRevisions() async throws {
            try await GatewayHarness.with([]) { gateway in
                let http = RawHTTP(url: gateway.url)
                let session = try await initialize(http, version: "2025-06-18")
                let response = try await http.post(#"[{"jsonrpc":"2.0","id":2,"method":"ping"}]"#, headers: session)
                #expect(response.status == 400)
                #expect(response.errorCode == -32600)
            }
        }
    }
}
