import Logging
import Switchboard
import SwitchboardCore
import SwitchboardDataPlane

/// A gateway started without a listener, for commands that need the catalogue as clients see
/// it (`policy test`, `tools list`): servers up, lists fetchable, nothing served.
struct DryRunSession {
    let runtime: GatewayRuntime
    var gateway: Gateway { runtime.gateway }

    static func open(config: GatewayConfig, options: ConfigOptions, servers: Bool, wait: Int) async throws -> DryRunSession {
        var quiet = options
        if quiet.logLevel == .info { quiet.logLevel = .error }  // the report is the output
        let logger = quiet.bootstrapLogging(config)
        var config = config
        if !servers { config.servers = [] }
        let runtime = try GatewayRuntime(config: config, logger: logger, threads: 1, recordsAudit: false)
        // Servers may point at the built-in demo server, which lives in the gateway process.
        try await runtime.start(listen: false, demo: servers)
        if servers {
            await runtime.waitForServers(seconds: Int64(wait))
            // One pass over the tools lists records every tool's hints.
            _ = try? await runtime.catalogue("tools")
        }
        return DryRunSession(runtime: runtime)
    }

    func close() async throws {
        try await runtime.shutdown()
    }
}
