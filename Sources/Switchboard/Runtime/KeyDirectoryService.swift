package import Logging
import ServiceLifecycle
import Synchronization
package import SwitchboardIdentity
package import SwitchboardStore
package import SwitchboardDataPlane
import SwitchboardAudit
import SwitchboardPolicy

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
    /// Where keys created and revoked (by anyone: this gateway's admin API, `switchboard keys`,
    /// another replica) are recorded, as the directory first sees them.
    private let audit: CallAudit?
    /// The keys as this service last loaded them from the store: what a reload is compared
    /// with (the directory itself may have changed already, by this gateway's admin API).
    private let lastLoaded: LoadedKeys

    /// Loads every key into `directory` before returning, so the gateway never serves a request
    /// with an empty directory; a store that cannot be read stops the start here.
    package init(
        store: any APIKeyStore,
        directory: KeyDirectory = KeyDirectory(),
        logger: Logger,
        reloadInterval: Duration = .seconds(1),
        flushInterval: Duration = .seconds(30),
        audit: CallAudit? = nil
    ) throws(StoreError) {
        self.audit = audit
        self.store = store
        self.directory = directory
        self.logger = logger
        self.reloadInterval = reloadInterval
        self.flushInterval = flushInterval
        let token = try store.changeToken()
        let entries = try store.keyEntries()
        directory.replace(with: entries)
        lastLoaded = LoadedKeys(entries.map(\.record))
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
        StoreChangePoller.reload(since: token, changeToken: store.changeToken, logger: logger, what: "api keys") {
            let entries = try store.keyEntries()
            let after = entries.map(\.record)
            let before = lastLoaded.keys.withLock { loaded in
                defer { loaded = after }
                return loaded
            }
            directory.replace(with: entries)
            logger.debug("api keys reloaded", metadata: ["switchboard.keys": "\(entries.count)"])
            if let audit { Self.recordChanges(from: before, to: after, in: audit) }
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

    /// `key.created` for each key that was not there, `key.revoked` for each that was and is
    /// revoked now. The key is named in `detail` (principal, id, roles, tenant): the record's
    /// `principal` is whoever acted, which the store does not know.
    static func recordChanges(from before: [APIKeyRecord], to after: [APIKeyRecord], in audit: CallAudit) {
        let old = Dictionary(before.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for record in after {
            if old[record.id] == nil {
                let roles = record.roles.isEmpty ? "" : " roles \(record.roles.joined(separator: ","))"
                let tenant = record.tenant.map { " tenant \($0)" } ?? ""
                audit.gatewayEvent(.keyCreated, detail: "\(record.principal.id) id \(record.id)\(roles)\(tenant)")
            }
            if record.revokedAt != nil, let was = old[record.id], was.revokedAt == nil {
                audit.gatewayEvent(.keyRevoked, detail: "\(record.principal.id) id \(record.id)")
            }
        }
    }
}

/// The records a `KeyDirectoryService` last loaded (the service is a value; this is shared by
/// its copies).
private final class LoadedKeys: Sendable {
    let keys: Mutex<[APIKeyRecord]>

    init(_ keys: [APIKeyRecord]) {
        self.keys = Mutex(keys)
    }
}
