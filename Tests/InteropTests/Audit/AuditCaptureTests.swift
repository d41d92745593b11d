import Foundation
import SwitchboardTesting
import Testing

extension Interop {
    /// `audit.capture`: the calls it names keep their arguments (and results) in the journal,
    /// secrets redacted at any depth and long payloads cut; other calls keep digests only, and
    /// the secret's text is nowhere in the journal's files.
    @Suite struct AuditCaptureTests {
        @Test func namedCallsKeepRedactedPayloadsAndNoSecretReachesTheJournal() async throws {
            try PeerEnvironment.requirePeers()
            let setup = try DemoGatewayProcess(
                "audit-capture",
                extra: """
                    audit:
                      capture:
                        - tools: [clock__echo]
                          result: true
                          redact: [ssn]
                        - tools: [clock__word*]
                          max_bytes: 64

                    """
            )
            defer { setup.remove() }
            let gateway = try await setup.serve()
            defer { gateway.stop() }

            let http = RawHTTP(url: setup.base + "/mcp")
            func call(_ id: Int, _ tool: String, _ arguments: String) async throws -> String {
                let answer = try await http.post(
                    #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":\#(arguments),"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"capture-test","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}"#,
                    headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": tool]
                )
                return answer.body
            }
            // Keys named like secrets, nested and in an array; a word of the entry's own list.
            _ = try await call(1, "clock__echo", #"{"text":"hi","auth":{"Access-Token":"hunter2","user":"ann"},"list":[{"password":"hunter2"}],"SSN_number":"hunter2"}"#)
            _ = try await call(2, "clock__echo", #"{"text":"plain words"}"#)
            _ = try await call(3, "clock__add", #"{"a":2,"b":3}"#)
            _ = try await call(4, "clock__word_count", #"{"text":"\#(String(repeating: "é", count: 80))"}"#)

            // Read back once the call.end of the last call is written (the answer waited on it).
            var journal = ""
            let folder = setup.directory + "/switchboard-audit"
            for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where name.hasSuffix(".jsonl") {
                journal += try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            }
            #expect(!journal.contains("hunter2"), "a secret reached the journal")
            let all = journal.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            }
            func records(_ event: String, _ tool: String) -> [[String: Any]] {
                all.filter { $0["event"] as? String == event && $0["tool"] as? String == tool }
            }
            let echoes = records("call.begin", "clock__echo")
            try #require(echoes.count == 2)
            let first = try #require(echoes[0]["arguments"] as? [String: Any], "\(echoes[0])")
            #expect(first["text"] as? String == "hi")
            #expect((first["auth"] as? [String: Any])?["Access-Token"] as? String == "[redacted]")
            #expect((first["auth"] as? [String: Any])?["user"] as? String == "ann")
            #expect(((first["list"] as? [[String: Any]])?.first)?["password"] as? String == "[redacted]")
            #expect(first["SSN_number"] as? String == "[redacted]")
            #expect(echoes[0]["args_digest"] is String, "the digest stays beside the payload")
            // The echo's result is kept on its call.end.
            let ends = records("call.end", "clock__echo")
            #expect((ends.last?["result"] as? [String: Any]).map { "\($0)".contains("plain words") } == true, "\(ends)")
            // Not named: digests only.
            #expect(records("call.begin", "clock__add").first?["arguments"] == nil)
            #expect(records("call.end", "clock__add").first?["result"] == nil)
            // Longer than max_bytes: cut on a character boundary and kept as text.
            let long = try #require(records("call.begin", "clock__word_count").first)
            #expect(long["arguments"] == nil)
            let cut = try #require(long["arguments_truncated"] as? String, "\(long)")
            #expect(cut.hasPrefix(#"{"text":"éé"#) && cut.utf8.count <= 64 && cut.utf8.count >= 60, "\(cut)")
            #expect(records("call.end", "clock__word_count").first?["result"] == nil, "result is off by default")
        }
    }
}
