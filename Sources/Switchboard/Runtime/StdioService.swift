import Logging
import NIOCore
import ServiceLifecycle
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardPolicy

/// `switchboard stdio`: one client on stdin/stdout. Returns when the client closes stdin, which
/// shuts the whole group down in order; on a shutdown signal it closes the pipes itself.
struct StdioService: Service {
    let gateway: Gateway
    let caller: Principal
    let limits: LimitsConfig
    let group: any EventLoopGroup
    /// Waited for before reading stdin: the gateway has started.
    let gatewayStarted: StartSignal

    func run() async throws {
        await gatewayStarted.wait()
        let serving = StdioDownstream.serve(gateway: gateway, caller: caller, limits: limits, group: group)
        try await withGracefulShutdownHandler {
            try await serving.done.get()
        } onGracefulShutdown: {
            serving.channel.whenSuccess { $0.close(promise: nil) }
        }
    }
}
