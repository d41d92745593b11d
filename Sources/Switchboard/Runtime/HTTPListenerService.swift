import Logging
import NIOCore
import ServiceLifecycle
import SwitchboardCore
import SwitchboardDataPlane

/// The data plane's HTTP listener: bound once everything behind it runs, and the first part
/// stopped on shutdown, so no new connection is accepted while the rest drains. Connections
/// already open are answered until the gateway behind them stops.
struct HTTPListenerService: Service {
    let gateway: Gateway
    let config: GatewayConfig
    let authentication: CallerAuthentication
    let control: any ControlRoutes
    let consent: (any ConsentRoutes)?
    let metrics: MetricsEndpoint?
    let tls: ListenerTLS?
    let group: any EventLoopGroup
    let logger: Logger
    /// Waited for before binding: the gateway behind the listener has started.
    let gatewayStarted: StartSignal
    /// Told the port once listening (the configured one, or the one picked for port 0).
    let bound: @Sendable (Int) -> Void

    func run() async throws {
        await gatewayStarted.wait()
        let channel = try await MCPHTTPServer.bind(
            gateway: gateway, config: config, authentication: authentication, control: control, consent: consent, metrics: metrics, tls: tls, group: group
        ).get()
        let port = channel.localAddress?.port ?? config.listen.port
        logger.notice("switchboard listening", metadata: [
            "switchboard.address": "\(config.listen.host):\(port)", "switchboard.servers": "\(gateway.servers.all.count)",
        ])
        bound(port)
        try? await gracefulShutdown()
        try? await channel.close()
    }
}
