import NIOCore
import ServiceLifecycle
import SwitchboardDataPlane

/// The gateway core: its upstream servers are started (and the idle-session sweeper), and on
/// shutdown listen streams and sessions end and every server stops, process groups included.
struct GatewayService: Service {
    let gateway: Gateway
    /// Told once the servers are starting, so the front doors may open.
    let started: StartSignal
    /// What must be up before the servers start (the in-process demo server they may call).
    var after: [StartSignal] = []

    func run() async throws {
        for part in after { await part.wait() }
        gateway.start()
        started.signal()
        try? await gracefulShutdown()
        try await gateway.shutdown().get()
    }
}
