import Foundation
import Testing
import SwitchboardCore

extension Interop {
    /// The official Python SDK client against a real gateway in front of Python SDK servers on
    /// all three transports (issue "Done when" 2), at each 2025 revision, with every message the
    /// gateway emitted validated against that revision's official schema.
    @Suite struct FederationInteropTests {
        static let servers = [
            FeatureServer(name: "alpha", kind: .stdio),
            FeatureServer(name: "beta", kind: .http),
            FeatureServer(name: "gamma", kind: .sse),
        ]
        static let prefixes = ["--prefix", "alpha=stdio", "--prefix", "beta=http", "--prefix", "gamma=sse"]

        @Test(arguments: ["2025-03-26", "2025-06-18", "2025-11-25"])
        func federatesThreeTransports(_ revision: String) async throws {
            try await GatewayHarness.with(Self.servers) { gateway in
                _ = try await gateway.scenario("federation", protocolVersion: revision, Self.prefixes)
                let summary = try await gateway.validateWire()
                // The run emits dozens of messages; a near-empty log would mean the tap is broken.
                let valid = Int(summary.split(separator: " ").first ?? "") ?? 0
                #expect(valid > 40, "\(summary)")
            }
        }

        /// Servers with several pages each: every tool of every server exactly once.
        @Test func mergesEveryPageOfEveryServer() async throws {
            let servers = [
                FeatureServer(name: "pa", kind: .stdio, extraArguments: ["--extra-tools", "93", "--page-size", "20"]),
                FeatureServer(name: "pb", kind: .http, extraArguments: ["--extra-tools", "41", "--page-size", "7"]),
                FeatureServer(name: "pc", kind: .sse),
            ]
            try await GatewayHarness.with(servers) { gateway in
                let direct = try await Self.directToolCount(servers)
                let output = try await gateway.scenario("pagination", ["--prefix", "pa=stdio", "--prefix", "pb=http", "--prefix", "pc=sse", "--expect-tools", String(direct)])
                #expect(output.contains("pages:"))
                _ = try await gateway.validateWire()
            }
        }

        /// Killing one upstream mid-session: the others keep working, the dead one's tools get a
        /// clear error, and a stdio server comes back within 2 s without the client reconnecting.
        @Test func survivesAnUpstreamCrash() async throws {
            try await GatewayHarness.with(Self.servers) { gateway in
                let output = try await gateway.scenario("failover", Self.prefixes + ["--crash", "alpha"])
                let summary = try #require(output.split(separator: "\n").last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
                let observed = try #require(summary["observed"] as? [String: Any])
                let seconds = try #require(observed["back_after_s"] as? Double)
                #expect(seconds < 2.0, "stdio server took \(seconds) s to come back")
            }
        }

        /// The official reference server `mcp-server-time` over stdio, a peer nobody here wrote.
        @Test func relaysTheReferenceTimeServer() async throws {
            let time = ServerConfig(name: "time", transport: .stdio(StdioLaunch(command: PeerEnvironment.venvBin + "/mcp-server-time", args: ["--local-timezone", "UTC"])))
            try await GatewayHarness.with([], extra: [time]) { gateway in
                _ = try await gateway.scenario("time", ["--prefix", "time=time"])
                _ = try await gateway.validateWire()
            }
        }

        /// What a client would see talking to each server alone: the number to expect merged.
        static func directToolCount(_ servers: [FeatureServer]) async throws -> Int {
            var total = 0
            for server in servers {
                let base = 7
                let extra = server.extraArguments.firstIndex(of: "--extra-tools").map { Int(server.extraArguments[$0 + 1])! } ?? 0
                total += base + extra
            }
            return total
        }
    }
}
