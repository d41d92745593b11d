import ArgumentParser
import Logging
import NIOCore
import Switchboard
import SwitchboardCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the gateway.")

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "Listen address HOST:PORT, overriding the config's `listen`.")
    var listen: String?

    @Option(name: .long, help: "Event-loop threads of the data plane (default: one per core).")
    var threads: Int?

    func run() async throws {
        var config = try options.load()
        if let listen {
            do {
                config.listen = try ConfigLoader.parseListenAddress(listen)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        let logger = options.bootstrapLogging(config)
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        let runtime = try GatewayRuntime(config: config, logger: logger, threads: threads ?? System.coreCount)
        try await runtime.run(.http, reloadFrom: options.configPath)
    }
}
