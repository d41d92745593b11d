package import Foundation
package import Logging
import ServiceLifecycle
package import SwitchboardDataPlane
package import SwitchboardStore
import Synchronization

/// Keeps the in-memory `DelegatedCredentials` in step with the store, as `KeyDirectoryService`
/// does for keys: loads every row before the gateway serves, then polls the store's change
/// token every `reloadInterval` and opens every row again when it moved (a token set or
/// removed by `switchboard credentials` in another process, or by another replica).
///
/// A row that does not open (sealed with a key no longer in `sessions.seal_keys`, copied from
/// another principal or server, altered) is skipped with one warning naming its principal and
/// server; an expired row is skipped quietly.
package final class DelegatedCredentialService: Service, Sendable {
    package let credentials: DelegatedCredentials
    private let store: any DelegatedCredentialStore
    private let sealer: DelegatedCredentialSealer
    private let logger: Logger
    private let reloadInterval: Duration
    private let now: @Sendable () -> Date
    /// The store's change token as of the load done by `init`.
    private let loadedToken: Int64
    /// Rows already warned about (principal, server, sealed), so a reload does not repeat it.
    private let warned = Mutex<Set<String>>([])

    /// A store that cannot be read stops the start here.
    package init(
        store: any DelegatedCredentialStore,
        sealer: DelegatedCredentialSealer,
        credentials: DelegatedCredentials = DelegatedCredentials(),
        logger: Logger,
        reloadInterval: Duration = .seconds(1),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(StoreError) {
        self.store = store
        self.sealer = sealer
        self.credentials = credentials
        self.logger = logger
        self.reloadInterval = reloadInterval
        self.now = now
        self.loadedToken = try store.changeToken()
        try load()
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            await StoreChangePoller.run(every: reloadInterval, from: loadedToken, reload: reloadIfChanged(since:))
        }
    }

    /// One poll: reloads when the store's token differs from `token`; returns the token the
    /// tokens in memory now reflect. On failure they stay as they were and the next poll retries.
    @discardableResult
    package func reloadIfChanged(since token: Int64) -> Int64 {
        StoreChangePoller.reload(since: token, changeToken: store.changeToken, logger: logger, what: "delegated credentials") { try load() }
    }

    private func load() throws(StoreError) {
        let rows = try store.delegatedEntries()
        let time = now()
        var entries: [DelegatedCredentials.Entry] = []
        var unopened: [SealedDelegatedCredential] = []
        for row in rows {
            if let expiresAt = row.expiresAt, expiresAt <= time { continue }
            guard let token = sealer.open(row.sealed, principal: row.principal, server: row.server) else {
                unopened.append(row)
                continue
            }
            entries.append(.init(principal: row.principal, server: row.server, credential: .init(token: token, expiresAt: row.expiresAt)))
        }
        credentials.replace(with: entries)
        warnOnce(about: unopened)
        logger.debug("delegated credentials loaded", metadata: ["switchboard.credentials": "\(entries.count)"])
    }

    private func warnOnce(about rows: [SealedDelegatedCredential]) {
        let fresh = warned.withLock { warned -> [SealedDelegatedCredential] in
            let keys = rows.map { $0.principal + "\u{0}" + $0.server + "\u{0}" + $0.sealed }
            defer { warned = Set(keys) }
            return zip(rows, keys).filter { !warned.contains($1) }.map(\.0)
        }
        for row in fresh {
            logger.warning(
                "a delegated credential does not open with sessions.seal_keys; set it again",
                metadata: ["switchboard.principal": "\(row.principal)", "switchboard.server": "\(row.server)"]
            )
        }
    }
}
