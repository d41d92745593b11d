import Foundation
import SwitchboardTesting
import Testing

extension Interop {
    /// `switchboard serve --log-format json` at debug level through calls, a refused key and a
    /// shutdown: every line on stderr is one JSON object with the data model's fields, and no
    /// credential (the caller's key, a made-up key, the upstream's header) appears anywhere.
    @Suite struct JSONLogTests {
        @Test func everyLineIsJSONAndNoSecretIsLogged() async throws {
            try PeerEnvironment.requirePeers()
            let upstreamSecret = "upstream-secret-\(UUID().uuidString)"
            let setup = try DemoGatewayProcess(
                "json-log", extra: "log: { format: json }\nauth: { api_keys: true }\npolicy:\n  rules:\n    - id: no-secrets\n      effect: deny\n      tools: [clock__secret]\n"
            )
            defer { setup.remove() }
            let config = setup.config
            // The upstream gets a header whose value must never be logged.
            let yaml = try String(contentsOfFile: config, encoding: .utf8)
            try yaml.replacingOccurrences(of: "    url: ", with: "    headers: { Authorization: \"Bearer \(upstreamSecret)\" }\n    url: ")
                .write(toFile: config, atomically: true, encoding: .utf8)
            let made = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["keys", "create", "--config", config, "--name", "agent"])
            #expect(await made.wait(seconds: 30) == 0, "\(made.standardError)")
            let key = made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            let madeUp = "sb_" + String(repeating: "z", count: 56)

            let gateway = try await setup.serve(["--log-level", "debug"])
            let base = setup.base
            let http = RawHTTP(url: base + "/mcp")
            let initialized = try await http.post(
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"log-test","version":"1"}}}"#,
                headers: ["X-API-Key": key]
            )
            let session = try #require(initialized.headers["mcp-session-id"], "\(initialized.status) \(initialized.body)")
            let headers = ["X-API-Key": key, "Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"]
            let answer = try await http.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"clock__add","arguments":{"a":1,"b":2}}}"#, headers: headers)
            #expect(answer.body.contains("sum"), "\(answer.body)")
            let denied = try await http.post(#"{"jsonrpc":"2.0","id":"deny-4","method":"tools/call","params":{"name":"clock__secret","arguments":{}}}"#, headers: headers)
            #expect(denied.body.contains("error"), "\(denied.body)")
            let refused = try await http.post(#"{"jsonrpc":"2.0","id":3,"method":"tools/list"}"#, headers: ["Authorization": "Bearer \(madeUp)"])
            #expect(refused.status == 401)
            gateway.process.terminate()
            #expect(await gateway.wait(seconds: 30) == 0, "\(gateway.standardError.suffix(2000))")

            let lines = gateway.standardError.split(separator: "\n", omittingEmptySubsequences: true)
            #expect(lines.count > 5, "\(gateway.standardError)")
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object != nil, "not a JSON object: \(line)")
                guard let object else { continue }
                #expect(object["timestamp"] is String && object["severity_text"] is String && object["severity_number"] is Int && object["body"] is String, "\(line)")
            }
            #expect(gateway.standardError.contains(#""body":"switchboard listening""#))
            // A line about a request names it.
            let denial = try #require(lines.first { $0.contains(#""body":"call denied by policy""#) }, "\(gateway.standardError.suffix(3000))")
            #expect(denial.contains(#""switchboard.request_id":"\"deny-4\"""#), "\(denial)")
            for secret in [key, String(key.dropFirst(16)), madeUp, upstreamSecret] {
                #expect(!gateway.standardError.contains(secret), "a credential in the log")
            }
        }
    }
}
