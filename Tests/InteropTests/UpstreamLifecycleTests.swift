import Foundation
import Testing
import SwitchboardCore
import SwitchboardTesting

extension Interop {
    /// Upstream supervision against real processes: process-group teardown and the transparent
    /// re-initialize after a Streamable HTTP server forgot its sessions.
    @Suite struct UpstreamLifecycleTests {
        private static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#

        private func session(_ http: RawHTTP) async throws -> [String: String] {
            let response = try await http.post(Self.initialize)
            return ["Mcp-Session-Id": try #require(response.headers["mcp-session-id"])]
        }

        private func echo(_ http: RawHTTP, _ headers: [String: String], tool: String) async throws -> RawHTTP.Response {
            try await http.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"\#(tool)","arguments":{"text":"hi"}}}"#, headers: headers)
        }

        /// A stdio server that started a grandchild: stopping the gateway takes both down.
        @Test func shutdownReachesTheWholeProcessGroup() async throws {
            try PeerEnvironment.requirePeers()
            let pidFile = PeerEnvironment.temporaryFile("grandchild.pid")
            let script = "sleep 300 & echo $! > \(pidFile); exec \(PeerEnvironment.python) \(PeerEnvironment.featureServer) --transport stdio --name alpha"
            let alpha = ServerConfig(name: "alpha", transport: .stdio(StdioLaunch(command: "/bin/sh", args: ["-c", script])))
            try await GatewayHarness.with([], extra: [alpha]) { gateway in
                let http = RawHTTP(url: gateway.url)
                let response = try await echo(http, try await session(http), tool: "alpha__echo")
                #expect(response.body.contains("hi"), "\(response.body)")
            }
            let pid = try #require(Int32((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
            try? await eventually("the grandchild gone", every: .milliseconds(100)) { kill(pid, 0) != 0 }
            #expect(kill(pid, 0) != 0, "grandchild \(pid) outlived the gateway")
        }

        /// The HTTP server restarts and no longer knows the gateway's session (404): the gateway
        /// re-initializes by itself and the client's call succeeds without the client noticing.
        @Test func reinitializesAfterTheServerForgetsTheSession() async throws {
            try PeerEnvironment.requirePeers()
            // Pinned to 2025: a server that also speaks 2026-07-28 is used statelessly, with no session to forget.
            let beta = FeatureServer(name: "beta", kind: .http, extraArguments: ["--era", "legacy"])
            let (first, port) = try await beta.launch()
            try await GatewayHarness.with([], extra: [beta.serverConfig(port: port)]) { gateway in
                let http = RawHTTP(url: gateway.url)
                let headers = try await session(http)
                #expect(try await echo(http, headers, tool: "beta__echo").body.contains("hi"))
                first.kill()
                _ = await first.wait(seconds: 10)
                let second = try ChildProcessRunner(PeerEnvironment.python, beta.arguments + ["--host", "127.0.0.1", "--port", String(port)])
                defer { second.stop() }
                _ = try await second.waitForLine(prefix: "READY ", seconds: 30)
                let response = try await echo(http, headers, tool: "beta__echo")
                #expect(response.status == 200)
                #expect(response.body.contains("hi") && response.errorCode == nil, "\(response.body)")
            }
        }
    }
}
