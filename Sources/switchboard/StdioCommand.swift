import ArgumentParser
import Logging
import Switchboard
import SwitchboardCore

struct StdioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stdio",
        abstract: "Serve the gateway to one client over stdin/stdout (logs go to stderr)."
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        let logger = options.bootstrapLogging()
        let runtime = try GatewayRuntime(config: config, logger: logger)
        let demo = config.demo.http.map { DemoHTTPService(listen: $0, logger: logger) }
        let demoTask = demo.map { service in Task { try await service.run() } }  // lives as long as the session
        try await runtime.start(listen: false)
        try await runtime.serveStdio()
        try await runtime.shutdown()
        demoTask?.cancel()
    }
}
