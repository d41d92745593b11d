import ArgumentParser
import Logging
import SwitchboardDemo

struct DemoServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-server",
        abstract: "Run the built-in demo MCP server (for quick starts and tests)."
    )

    enum Transport: String, ExpressibleByArgument, CaseIterable {
        case stdio, http
    }

    @Option(help: "stdio or http.")
    var transport: Transport = .stdio

    @Option(help: "HTTP: address to bind.")
    var host = "127.0.0.1"

    @Option(help: "HTTP: port to bind; 0 picks a free one (printed on stderr).")
    var port = 8081

    @Option(help: "Server name, also the authority of its resource URIs.")
    var name = "demo"

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var options = DemoServerOptions()
        options.name = name
        options.host = host
        options.port = port
        switch transport {
        case .stdio: try await DemoServer.runStdio(options: options)
        case .http: try await DemoServer.runHTTP(options: options)
        }
    }
}
