import Foundation
import Logging
import Switchboard
import SwitchboardCore

/// A real gateway on 127.0.0.1 with real upstream processes, for one test.
final class GatewayHarness {
    let runtime: GatewayRuntime
    let port: Int
    let wireLog: String
    private let children: [ChildProcessRunner]

    var url: String { "http://127.0.0.1:\(port)/mcp" }

    /// Starts the HTTP servers among `servers`, then the gateway in front of all of them.
    /// `sessions` carries seal keys; `port` 0 picks a free port (a fixed one lets a test
    /// restart a gateway at the same address).
    static func start(
        _ servers: [FeatureServer], extra: [ServerConfig] = [], limits: LimitsConfig = .init(),
        sessions: SessionsConfig = .init(), port: Int = 0, configure: (inout GatewayConfig) throws -> Void = { _ in }
    ) async throws -> GatewayHarness {
        let (configs, children) = try await servers.launchAll()
        var config = GatewayConfig(listen: ListenAddress(host: "127.0.0.1", port: port), servers: configs + extra, limits: limits, sessions: sessions)
        do {
            try configure(&config)
        } catch {
            children.forEach { $0.stop() }
            throw error
        }
        for i in config.servers.indices {
            // Tests restart crashed servers fast; production defaults are gentler.
            config.servers[i].restart = RestartPolicy(initialBackoff: .milliseconds(100), maxBackoff: .seconds(2))
        }
        var logger = Logger(label: "switchboard.test")
        logger.logLevel = ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_LOG"] == nil ? .critical : .debug
        let wireLog = PeerEnvironment.temporaryFile("wire.jsonl")
        let runtime = try GatewayRuntime(config: config, logger: logger, threads: 2, wireLog: wireLog)
        let port = try await runtime.start()
        await runtime.waitForServers(seconds: 30)
        return GatewayHarness(runtime: runtime, port: port, wireLog: wireLog, children: children)
    }

    private init(runtime: GatewayRuntime, port: Int, wireLog: String, children: [ChildProcessRunner]) {
        self.runtime = runtime
        self.port = port
        self.wireLog = wireLog
        self.children = children
    }

    /// Starts a gateway, runs `body`, and stops everything whether `body` passed or threw.
    static func with(
        _ servers: [FeatureServer],
        extra: [ServerConfig] = [],
        limits: LimitsConfig = .init(),
        sessions: SessionsConfig = .init(),
        configure: (inout GatewayConfig) throws -> Void = { _ in },
        _ body: (GatewayHarness) async throws -> Void
    ) async throws {
        try await stopping(try await start(servers, extra: extra, limits: limits, sessions: sessions, configure: configure), stop: { await $0.stop() }, body)
    }

    /// Runs scenario.py against the gateway; returns its output, failing with it on error.
    func scenario(_ name: String, protocolVersion: String = "2025-11-25", _ arguments: [String] = [], seconds: Double = 150) async throws -> String {
        try await scenario(name, url: url, protocolVersion: protocolVersion, arguments, seconds: seconds)
    }

    /// The legacy HTTP+SSE endpoint (2024-11-05 clients).
    var sseURL: String { "http://127.0.0.1:\(port)/sse" }

    /// Runs scenario.py against another endpoint of the gateway, such as `sseURL` (scenario.py
    /// picks the SDK's `sse_client` for a URL ending in `/sse`).
    func scenario(_ name: String, url: String, protocolVersion: String, _ arguments: [String] = [], seconds: Double = 150) async throws -> String {
        let child = try ChildProcessRunner(
            PeerEnvironment.python,
            [PeerEnvironment.scenario, "--url", url, "--scenario", name, "--protocol-version", protocolVersion, "--timeout", String(Int(seconds - 10))] + arguments
        )
        let status = await child.wait(seconds: seconds)
        guard status == 0 else {
            throw HarnessError("scenario \(name) at \(protocolVersion) via \(url) failed (\(status)):\n\(child.standardOutput.suffix(4000))\n\(child.standardError.suffix(4000))")
        }
        return child.standardOutput
    }

    /// One SDK client session in `mode` (`legacy` or `2026-07-28`): lists the tools and calls
    /// one; returns the JSON line one_session.py prints, failing with its output on error.
    func session(mode: String, tool: String, arguments: String = "{}", seconds: Double = 60) async throws -> String {
        try await Self.session(url: url, mode: mode, tool: tool, arguments: arguments, seconds: seconds)
    }

    /// `session` against any gateway's `/mcp`.
    static func session(url: String, mode: String, tool: String, arguments: String = "{}", seconds: Double = 60) async throws -> String {
        let child = try ChildProcessRunner(
            PeerEnvironment.python,
            [PeerEnvironment.path("Tests/Peers/clients/one_session.py"), "--mode", mode, "--tool", tool, "--arguments", arguments, "--url", url]
        )
        guard await child.wait(seconds: seconds) == 0 else {
            throw HarnessError("\(mode) session calling \(tool) failed:\n\(child.standardOutput.suffix(2000))\n\(child.standardError.suffix(3000))")
        }
        return child.standardOutput
    }

    /// Every message the gateway sent to clients validates against the official schema of
    /// the negotiated revision.
    func validateWire() async throws -> String {
        let child = try ChildProcessRunner(PeerEnvironment.python, [PeerEnvironment.validator, "--schema-dir", PeerEnvironment.schemaDirectory, "--quiet", wireLog])
        let status = await child.wait(seconds: 60)
        guard status == 0 else {
            throw HarnessError("wire validation failed:\n\(child.standardOutput.suffix(6000))\n\(child.standardError.suffix(2000))")
        }
        return child.standardOutput
    }

    func stop() async {
        try? await runtime.shutdown()
        children.forEach { $0.stop() }
        try? FileManager.default.removeItem(atPath: wireLog)
    }
}
