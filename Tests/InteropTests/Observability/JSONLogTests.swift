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
            let directory = PeerEnvironment.temporaryFile("json-log")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let port = try FreePort.next()
            let demoPort = try FreePort.next()
            let upstreamSecret = "upstream-secret-\(UUID().uuidString)"
            let config = directory + "/switchboard.yaml"
            try Data("""
                listen: 127.0.0.1:\(port)
                log: { format: json }
                demo: { http: 127.0.0.1:\(demoPort) }
                auth: { api_keys: true }
                servers:
                  clock:
                    url: http://127.0.0.1:\(demoPort)/mcp
                    headers: { Authorization: "Bearer \(upstreamSecret)" }

                """.utf8).write(to: URL(fileURLWithPath: config))
            let made = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["keys", "create", "--config", config, "--name", "agent"])
            #expect(await made.wait(seconds: 30) == 0, "\(made.standardError)")
            let key = made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            let madeUp = "sb_" + String(repeating: "z", count: 56)

            let gateway = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["serve", "--config", config, "--log-level", "debug"])
            let base = "http://127.0.0.1:\(port)"
            try await eventually("the gateway to serve clock", timeout: .seconds(60), every: .milliseconds(100)) {
                (try? await curl(base + "/readyz", [], maxTime: 1))?.body.contains(#""state":"ready""#) == true
            }
            let http = RawHTTP(url: base + "/mcp")
            let initialized = try await http.post(
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"log-test","version":"1"}}}"#,
                headers: ["X-API-Key": key]
            )
            let session = try #require(initialized.headers["mcp-session-id"], "\(initialized.status) \(initialized.body)")
            let headers = ["X-API-Key": key, "Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"]
            let answer = try await http.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"clock__add","arguments":{"a":1,"b":2}}}"#, headers: headers)
            #expect(answer.body.contains("sum"), "\(answer.body)")
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
            for secret in [key, String(key.dropFirst(16)), madeUp, upstreamSecret] {
                #expect(!gateway.standardError.contains(secret), "a credential in the log")
            }
        }
    }
}
