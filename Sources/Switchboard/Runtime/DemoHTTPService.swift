public import ServiceLifecycle
public import Logging
public import SwitchboardCore
import SwitchboardDemo

/// The built-in demo MCP server served over Streamable HTTP inside the gateway process
/// (`demo.http`), so the quick start has an HTTP upstream without a second command.
public struct DemoHTTPService: Service {
    let listen: ListenAddress
    let logger: Logger

    public init(listen: ListenAddress, logger: Logger) {
        self.listen = listen
        self.logger = logger
    }

    public func run() async throws {
        var options = DemoServerOptions()
        options.name = "clock"
        options.host = listen.host
        options.port = listen.port
        let configured = options
        do {
            try await cancelWhenGracefulShutdown {
                try await DemoServer.serveHTTP(options: configured, logger: logger)
            }
        } catch is CancellationError {
            // Cancelled by the graceful shutdown: the normal way for this service to end.
        }
    }
}
