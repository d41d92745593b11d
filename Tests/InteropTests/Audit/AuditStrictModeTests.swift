import Foundation
import SwitchboardCore
import SwitchboardTesting
import Testing

extension Interop {
    /// `audit.mode: strict` through the binary: answers still come (released after the sync
    /// of their `call.end`), and each answered call has its end in the journal.
    @Suite struct AuditStrictModeTests {
        @Test func answersComeOnceTheirRecordIsOnDisk() async throws {
            try PeerEnvironment.requirePeers()
            // A long interval: only the answers' own waits can make the syncs.
            let setup = try DemoGatewayProcess("audit-strict", extra: "audit:\n  mode: strict\n  sync_interval: 1h\n")
            defer { setup.remove() }
            let gateway = try await setup.serve()
            defer { gateway.stop() }
            let http = RawHTTP(url: setup.base + "/mcp")
            let initialized = try await http.post(
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"strict-test","version":"1"}}}"#
            )
            let session = try #require(initialized.headers["mcp-session-id"])
            let started = ContinuousClock.now
            for id in 2...6 {
                let answer = try await http.post(
                    #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"clock__add","arguments":{"a":\#(id),"b":1}}}"#,
                    headers: ["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"]
                )
                #expect(answer.body.contains("sum"), "\(answer.body)")
            }
            #expect(ContinuousClock.now - started < .seconds(20), "no answer waited for the hour-long interval")
            let tail = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["audit", "tail", "--config", setup.config, "-n", "50", "--json"])
            #expect(await tail.wait(seconds: 30) == 0)
            #expect(tail.standardOutput.components(separatedBy: #""event":"call.end""#).count - 1 == 5)
        }
    }
}
