public import ServiceLifecycle
import Logging

/// `serve` as a ServiceLifecycle service: runs until SIGTERM/SIGINT, then drains.
public struct GatewayService: Service {
    let runtime: GatewayRuntime

    public init(runtime: GatewayRuntime) {
        self.runtime = runtime
    }

    public func run() async throws {
        try await runtime.start()
        // Wait for the shutdown signal, then tear down in reverse order of start.
        try? await gracefulShutdown()
        try await runtime.shutdown()
    }
}
