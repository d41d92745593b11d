import Foundation
import Testing
import Switchboard
import SwitchboardCore

extension Interop {
    /// The gateway as a client of 2026-07-28 servers (spec digest §1.6, §2.2, §3.1, §4.3): era
    /// detection on both transports, and a legacy SDK client served through modern upstreams.
    @Suite struct ModernUpstreamTests {
        static let modernHTTP = FeatureServer(name: "h26", kind: .http, extraArguments: ["--stateless", "--era", "modern"])
        static let modernStdio = FeatureServer(name: "s26", kind: .stdio, extraArguments: ["--era", "modern"])

        /// Each server's era as the gateway found it: the status line shows 2026-07-28 for the
        /// modern ones, the negotiated 2025 revision for the others (and for a dual-era server
        /// configured `era: legacy`), and every server's tools are in the catalogue.
        @Test func detectsTheEraOfEachServer() async throws {
            let servers = [
                Self.modernHTTP,
                FeatureServer(name: "h25", kind: .http, extraArguments: ["--era", "legacy"]),
                Self.modernStdio,
                FeatureServer(name: "s25", kind: .stdio, extraArguments: ["--era", "legacy"]),
            ]
            let time = ServerConfig(name: "time", transport: .stdio(StdioLaunch(command: PeerEnvironment.venvBin + "/mcp-server-time", args: ["--local-timezone", "UTC"])))
            var pinned = FeatureServer(name: "pin", kind: .stdio).serverConfig(port: nil)
            pinned.era = .legacy
            try await GatewayHarness.with(servers, extra: [time, pinned]) { gateway in
                let versions = Dictionary(uniqueKeysWithValues: gateway.runtime.serverStatuses.map { ($0.name, $0.protocolVersion ?? "none") })
                #expect(versions == ["h26": "2026-07-28", "h25": "2025-11-25", "s26": "2026-07-28", "s25": "2025-11-25", "time": "2026-07-28", "pin": "2025-11-25"])
                #expect(gateway.runtime.serverStatuses.allSatisfy { $0.state == "ready" })
                let tools = Set(try await gateway.runtime.catalogue("tools").map(\.identity))
                for name in ["h26__echo", "h25__echo", "s26__echo", "s25__echo", "time__get_current_time"] {
                    #expect(tools.contains(name), "\(name) missing from \(tools.sorted())")
                }
            }
        }

        /// A 2025 client through the gateway to modern servers on both transports: lists,
        /// calls, progress, cancellation, list changes from the upstream listen stream,
        /// resources and prompts; every message the client got validates.
        @Test func servesALegacyClientThroughModernServers() async throws {
            try await GatewayHarness.with([Self.modernHTTP, Self.modernStdio]) { gateway in
                let output = try await Self.run(gateway, "modern_upstreams", ["--prefix", "h26=http", "--prefix", "s26=stdio"])
                #expect(output.contains(#""ok": true"#))
                _ = try await gateway.validateWire()
            }
        }

        /// A modern stdio server that crashes comes back, as modern, without the client noticing.
        @Test func restartsAModernServer() async throws {
            try await GatewayHarness.with([Self.modernHTTP, Self.modernStdio]) { gateway in
                _ = try await gateway.scenario("failover", ["--prefix", "h26=http", "--prefix", "s26=stdio", "--crash", "s26"])
                let status = try #require(gateway.runtime.serverStatuses.first { $0.name == "s26" })
                #expect(status.protocolVersion == "2026-07-28")
            }
        }

        /// A call slower than the timeout fails naming the server, and closing its POST (the
        /// 2026 cancel) stops the work on the server.
        @Test func timeoutAbortsTheModernRequest() async throws {
            try PeerEnvironment.requirePeers()
            let (child, port) = try await Self.modernHTTP.launch()
            defer { child.stop() }
            var h26 = Self.modernHTTP.serverConfig(port: port)
            h26.timeouts.request = .seconds(1)
            try await GatewayHarness.with([], extra: [h26]) { gateway in
                let http = RawHTTP(url: gateway.url)
                let initialize = try await http.post(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#)
                let session = ["Mcp-Session-Id": try #require(initialize.headers["mcp-session-id"])]
                let slow = try await http.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"h26__slow","arguments":{"seconds":5,"steps":1}}}"#, headers: session)
                #expect(slow.errorCode == JSONRPCErrorCode.upstreamTimeout, "\(slow.body)")
                #expect(slow.body.contains("h26"))
                let cancelled = try await http.pollCounter("slow_cancelled", request: #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"h26__status","arguments":{}}}"#, headers: session)
                #expect(cancelled == 1)
            }
        }

        /// Runs Tests/Peers/clients/modern_upstreams.py (scenario.py plus `modern_upstreams`).
        static func run(_ gateway: GatewayHarness, _ scenario: String, _ arguments: [String], seconds: Double = 150) async throws -> String {
            let child = try ChildProcessRunner(
                PeerEnvironment.python,
                [PeerEnvironment.path("Tests/Peers/clients/modern_upstreams.py"), "--url", gateway.url, "--scenario", scenario, "--timeout", String(Int(seconds - 10))] + arguments
            )
            let status = await child.wait(seconds: seconds)
            guard status == 0 else {
                throw HarnessError("scenario \(scenario) failed (\(status)):\n\(child.standardOutput.suffix(4000))\n\(child.standardError.suffix(4000))")
            }
            return child.standardOutput
        }
    }
}
