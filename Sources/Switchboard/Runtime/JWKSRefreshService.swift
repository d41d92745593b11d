import ServiceLifecycle
import SwitchboardIdentity

/// Keeps the JWT verifier's key set fresh: fetched once at start (so the first token waits for
/// nothing), then every `refresh_interval` until shutdown.
struct JWKSRefreshService: Service {
    let source: JWKSSource

    func run() async throws {
        await cancelWhenGracefulShutdown {
            _ = await source.refresh()
            await source.run()
        }
    }
}
