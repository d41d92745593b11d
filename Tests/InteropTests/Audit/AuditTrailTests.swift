import Foundation
import SwitchboardAudit
import SwitchboardCore
import SwitchboardTesting
import Testing

extension Interop {
    /// The audit trail of the `switchboard` binary under load, killed with SIGKILL mid-run:
    /// every call the client saw answered has its `call.end`, every call the server (the
    /// Python SDK feature server, which logs what it saw) executed has its `call.begin`;
    /// after a restart the trail is repaired and `switchboard audit verify` passes, and it
    /// fails naming the record once a byte of the journal is changed.
    @Suite struct AuditTrailTests {
        /// One caller's calls, one after another, until the gateway goes away; the texts it
        /// saw answered, with the JSON-RPC id of each.
        static func caller(_ url: String, number: Int, stop: @escaping @Sendable () -> Bool) async -> [(id: Int, text: String)] {
            let http = RawHTTP(url: url)
            guard let initialized = try? await http.post(
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"audit-test","version":"1"}}}"#
            ), let session = initialized.headers["mcp-session-id"] else { return [] }
            let headers = ["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"]
            _ = try? await http.post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, headers: headers)
            var answered: [(Int, String)] = []
            var n = 0
            while !stop(), n < 500 {
                n += 1
                let id = number * 10_000 + n
                let text = "call-\(id)"
                guard let response = try? await http.post(
                    #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"alpha__echo","arguments":{"text":"\#(text)"}}}"#, headers: headers
                ), response.status == 200, response.body.contains(text) else { break }
                answered.append((id, text))
            }
            return answered
        }

        static func records(_ journal: String) throws -> [[String: Any]] {
            try AuditSegments.list(journal).flatMap { name in
                AuditSegments.lines(try AuditSegments.contents(of: journal + "/" + name) ?? []).filter(\.terminated).compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.bytes)) as? [String: Any]
                }
            }
        }

        @Test func survivesKillNineAndVerifies() async throws {
            try PeerEnvironment.requirePeers()
            let directory = PeerEnvironment.temporaryFile("audit-trail")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let callLog = directory + "/seen.txt"
            let journal = directory + "/switchboard-audit"
            let port = try FreePort.next()
            let config = directory + "/switchboard.yaml"
            let server = FeatureServer(name: "alpha", kind: .stdio, extraArguments: ["--call-log", callLog])
            _ = try ConfigFile.write([server.serverConfig(port: nil)], listen: "127.0.0.1:\(port)", extra: "audit:\n  journal: switchboard-audit\n", at: config)
            let url = "http://127.0.0.1:\(port)/mcp"

            func serve() async throws -> ChildProcessRunner {
                let gateway = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["serve", "--config", config])
                try await eventually("the gateway to serve alpha", timeout: .seconds(60), every: .milliseconds(100)) {
                    (try? await curl("http://127.0.0.1:\(port)/readyz", [], maxTime: 1))?.body.contains(#""state":"ready""#) == true
                }
                return gateway
            }

            let gateway = try await serve()
            // Callers stop once the gateway is gone (or a call fails).
            async let answered = withTaskGroup(of: [(id: Int, text: String)].self) { group in
                for number in 1...6 { group.addTask { await Self.caller(url, number: number, stop: { !gateway.process.isRunning }) } }
                return await group.reduce(into: []) { $0 += $1 }
            }
            // Killed while calls are in flight.
            try await eventually("calls to reach the server", timeout: .seconds(60), every: .milliseconds(20)) {
                ((try? String(contentsOfFile: callLog, encoding: .utf8)) ?? "").split(separator: "\n").count >= 60
            }
            gateway.kill()
            let seenByClient = await answered
            _ = await gateway.wait(seconds: 10)
            #expect(seenByClient.count >= 30, "\(seenByClient.count) answered")

            // Before any repair: what the dead gateway left.
            let records = try Self.records(journal)
            let ends = Set(records.filter { $0["event"] as? String == "call.end" }.compactMap { $0["request_id"] as? Int })
            let unrecorded = seenByClient.filter { !ends.contains($0.id) }
            #expect(unrecorded.isEmpty, "answered without call.end: \(unrecorded.prefix(5).map(\.text))")
            let digester = AuditDigester(key: Array(try Data(contentsOf: URL(fileURLWithPath: journal + "/digest.key"))))
            let begun = Set(records.filter { $0["event"] as? String == "call.begin" }.compactMap { $0["args_digest"] as? String })
            let seenByServer = ((try? String(contentsOfFile: callLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            let unbegun = seenByServer.filter { !begun.contains(digester.digest(Array(#"{"text":"\#($0)"}"#.utf8))) }
            #expect(unbegun.isEmpty, "executed without call.begin: \(unbegun.prefix(5))")

            // A restart repairs the trail: every begin has its end, and the chain holds.
            let again = try await serve()
            again.process.terminate()
            #expect(await again.wait(seconds: 30) == 0, "\(again.standardError.suffix(2000))")
            let repaired = try Self.records(journal)
            #expect(repaired.contains { $0["event"] as? String == "audit.recovered" })
            let repairedEnds = Set(repaired.filter { $0["event"] as? String == "call.end" }.compactMap { $0["id"] as? String })
            let open = repaired.filter { $0["event"] as? String == "call.begin" }.compactMap { $0["id"] as? String }.filter { !repairedEnds.contains($0) }
            #expect(open.isEmpty, "begun and never ended: \(open.prefix(5))")
            #expect(repaired.last?["event"] as? String == "audit.closed")

            let verify = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["audit", "verify", "--config", config])
            #expect(await verify.wait(seconds: 30) == 0, "\(verify.standardOutput) \(verify.standardError)")
            #expect(verify.standardOutput.contains("audit trail holds: \(repaired.count) record(s)"), "\(verify.standardOutput)")
            // The stop signed the trail's end (then wrote audit.closed), with the key in checkpoint.pub.
            #expect(
                verify.standardOutput.contains("1 signed checkpoint(s) hold; the last (record \(repaired.count - 1)) signs record \(repaired.count - 2); 1 record(s) after it"),
                "\(verify.standardOutput)"
            )

            // One byte changed in record 10: verify fails and names it.
            let segment = journal + "/" + AuditSegments.name(firstSeq: 1)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            let offset = lines.prefix(9).reduce(0) { $0 + $1.count + 1 } + 12
            bytes[offset] = bytes[offset] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            try bytes.write(to: URL(fileURLWithPath: segment))
            let broken = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["audit", "verify", "--journal", journal])
            #expect(await broken.wait(seconds: 30) == 1)
            #expect(broken.standardOutput.contains("audit trail BROKEN at record 10 (\(AuditSegments.name(firstSeq: 1)) line 10)"), "\(broken.standardOutput)")

            let tail = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["audit", "tail", "--journal", journal, "-n", "3"])
            #expect(await tail.wait(seconds: 30) == 0)
            #expect(tail.standardOutput.split(separator: "\n").count == 3 && tail.standardOutput.contains("audit.closed"), "\(tail.standardOutput)")
        }
    

        /// A session's life in the trail: `session.opened` when `initialize` is answered (who,
        /// which client), `session.ended` with how (here `DELETE`).
        @Test func recordsSessionsOpenedAndEnded() async throws {
            try PeerEnvironment.requirePeers()
            let setup = try DemoGatewayProcess("audit-sessions", extra: "audit:\n  journal: switchboard-audit\n")
            defer { setup.remove() }
            let port = setup.port
            let gateway = try await setup.serve()
            let opened = try await RawHTTP(url: "http://127.0.0.1:\(port)/mcp").post(
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"session-test","version":"1"}}}"#
            )
            let session = try #require(opened.headers["mcp-session-id"])
            let deleted = try await curl("http://127.0.0.1:\(port)/mcp", ["-X", "DELETE", "-H", "Mcp-Session-Id: \(session)", "-H", "MCP-Protocol-Version: 2025-11-25"])
            #expect(deleted.status == 200)
            gateway.process.terminate()
            #expect(await gateway.wait(seconds: 30) == 0, "\(gateway.standardError.suffix(2000))")

            let records = try Self.records(setup.directory + "/switchboard-audit")
            let begun = try #require(records.first { $0["event"] as? String == "session.opened" }, "\(records)")
            #expect(begun["session"] as? String == session && (begun["client"] as? [String: Any])?["name"] as? String == "session-test")
            #expect(begun["principal_kind"] as? String != nil && begun["era"] as? String == "legacy")
            let ended = try #require(records.first { $0["event"] as? String == "session.ended" }, "\(records)")
            #expect(ended["session"] as? String == session && ended["detail"] as? String == "DELETE")
        }
    }
}
