import ServiceLifecycle
import Logging
import SwitchboardCore
import SwitchboardDemo

/// The built-in demo MCP server served over Streamable HTTP inside the gateway process
/// (`demo.http`), so the quick start has an HTTP upstream without a second command.
struct DemoHTTPService: Service {
    let listen: ListenAddress
    let logger: Logger
    /// Told once the demo listens (or has failed to): the gateway core waits for it, since a
    /// `ServiceGroup` starts its services together and the gateway's first connection to the
    /// demo would otherwise race its bind and mark it unavailable.
    let listening: StartSignal

    init(listen: ListenAddress, logger: Logger, listening: StartSignal) {
        self.listen = listen
        self.logger = logger
        self.listening = listening
    }

    func run() async throws {
        var options = DemoServerOptions()
        options.name = "clock"
        options.host = listen.host
        options.port = listen.port
        let configured = options
        let listening = listening
        // A failed bind lets the gateway go on (to report the demo unavailable), not wait forever.
        defer { listening.signal() }
        do {
            try await cancelWhenGracefulShutdown {
                try await DemoServer.serveHTTP(options: configured, logger: logger, listening: { listening.signal() })
            }
        } catch is CancellationError {
            // Cancelled by the graceful shutdown: the normal way for this service to end.
        }
    }
}
