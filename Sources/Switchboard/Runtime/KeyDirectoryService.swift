package import Logging
import ServiceLifecycle
package import SwitchboardIdentity
package import SwitchboardStore

/// Keeps the in-memory `KeyDirectory` in step with the store: polls the store's change token
/// every `reloadInterval` and reloads every key when it moved (a key created or revoked by
/// `switchboard keys` in another process), and writes the keys' last uses back every
/// `flushInterval` and once more at shutdown.
///
/// The store calls block on SQLite; they run in this service's task, never on an event loop,
/// and they are a handful per second whatever the traffic.
package struct KeyDirectoryService: Service {
    package let directory: KeyDirectory
    private let store: any APIKeyStore
    private let logger: Logger
    private let reloadInterval: Duration
    private let flushInterval: Duration
    /// The store's change token as of the load done by `init`.
    private let loadedToken: Int64

    /// Loads every key into `directory` before returning, so the gateway never serves a request
    /// with an empty directory; a store that cannot be read stops the start here.
    package init(
        store: any APIKeyStore,
        directory: KeyDirectory = KeyDirectory(),
        logger: Logger,
        reloadInterval: Duration = .seconds(1),
        flushInterval: Duration = .seconds(30)
    ) throws(StoreError) {
        self.store = store
        self.directory = directory
        self.logger = logger
        self.reloadInterval = reloadInterval
        self.flushInterval = flushInterval
        let token = try store.changeToken()
        let entries = try store.keyEntries()
        directory.replace(with: entries)
        self.loadedToken = token
        logger.debug("api keys loaded", metadata: ["switchboard.keys": "\(entries.count)"])
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown { [self] in await poll() }
        // Uses noted since the last flush would otherwise be lost with the process.
        flushUses()
    }

    private func poll() async {
        let clock = ContinuousClock()
        var nextFlush = clock.now.advanced(by: flushInterval)
        await StoreChangePoller.run(every: reloadInterval, from: loadedToken, reload: reloadIfChanged(since:)) {
            guard clock.now >= nextFlush else { return }
            flushUses()
            nextFlush = clock.now.advanced(by: flushInterval)
        }
    }

    /// One poll: reloads when the store's token differs from `token`; returns the token the
    /// directory now reflects. On failure the directory keeps its keys and the next poll retries.
    @discardableResult
    package func reloadIfChanged(since token: Int64) -> Int64 {
        do {
            // The token is read before the keys: a change landing in between is seen again by
            // the next poll rather than missed.
            let current = try store.changeToken()
            guard current != token else { return token }
            let entries = try store.keyEntries()
            directory.replace(with: entries)
            logger.debug("api keys reloaded", metadata: ["switchboard.keys": "\(entries.count)"])
            return current
        } catch {
            logger.warning("api keys reload failed", metadata: ["switchboard.error": "\(error)"])
            return token
        }
    }

    /// Writes the uses the directory noted since the last flush.
    package func flushUses() {
        let uses = directory.takeUses()
        guard !uses.isEmpty else { return }
        do {
            try store.recordKeyUses(uses)
        } catch {
            // Last use is for operators' eyes only; losing one batch costs no security.
            logger.warning("api key last-use update failed", metadata: [
                "switchboard.keys": "\(uses.count)", "switchboard.error": "\(error)",
            ])
        }
    }
}
