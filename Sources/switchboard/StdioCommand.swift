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
        let logger = options.bootstrapLogging(config)
        let runtime = try GatewayRuntime(config: config, logger: logger)
        // Until the client closes stdin (or a signal); then everything stops in order.
        try await runtime.run(.stdio)
    }
}
