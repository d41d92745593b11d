package import Logging
package import SwitchboardCore
package import SwitchboardStore

/// The session seal keys when `sessions.seal_keys` names none: kept in the store, made at the
/// first start. Sessions then survive a restart and open on every process sharing the store,
/// with nothing to configure. A store that cannot give them (read-only, broken) leaves the
/// gateway on a random key, as before, and says so.
///
/// Once `seal_keys` are configured, a key the store made earlier is kept after them: it seals
/// nothing new but still opens the sessions and delegated tokens it sealed.
package enum SealKeysFromStore {
    package static func keys(configured: [SealSecret], store: SQLiteStore, logger: Logger) -> [SealSecret] {
        do {
            let stored = try store.sealKeys(making: configured.isEmpty).map(SealSecret.init)
            return configured + stored.filter { key in !configured.contains { $0.value == key.value } }
        } catch {
            if configured.isEmpty {
                logger.warning("the store could not give session seal keys; sessions end when the gateway stops", metadata: ["switchboard.error": "\(error)"])
            }
            return configured
        }
    }
}
