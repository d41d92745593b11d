package import Foundation
import Synchronization

/// Every API key the gateway knows, in memory, so that authenticating a request is one SHA-256
/// and one dictionary lookup under a short lock: no store round trip per call. A key's last use
/// is noted at most once a second (what operators see is to the second anyway), so a busy key
/// does not take a second lock on every request.
///
/// `KeyDirectoryService` refills it from the store when the store changes; an admin-API revoke
/// applies at once through `revokeNow`. Revoked and expired keys stay in the directory so the
/// caller can tell "revoked" from "unknown" in its logs.
package final class KeyDirectory: Sendable {
    /// One key as held: its record, and the second of its last noted use.
    private final class Held: Sendable {
        let record: APIKeyRecord
        private let notedSecond = Atomic<Int64>(.min)

        init(_ record: APIKeyRecord) {
            self.record = record
        }

        /// Whether `now` falls in a later second than the last use noted (and claims it).
        func claimUse(at now: Date) -> Bool {
            let second = Int64(now.timeIntervalSince1970.rounded(.down))
            guard notedSecond.load(ordering: .relaxed) != second else { return false }
            return notedSecond.exchange(second, ordering: .relaxed) != second
        }
    }

    private struct State {
        var byDigest: [APIKeyDigest: Held] = [:]
        var digestByID: [String: APIKeyDigest] = [:]
        /// Revocations applied in memory that a reload may not show yet (it may have read the
        /// store just before the revoke was written); kept until a reload shows the key revoked
        /// or gone.
        var pendingRevocations: [String: Date] = [:]
    }

    private let state = Mutex(State())
    /// Bumped after every change of the keys (reload, revoke): what a connection remembered
    /// about a key (`RememberedKey`) holds only while this has not moved.
    private let changes = Atomic<UInt64>(0)
    /// Key id → last successful use, drained by `takeUses` and written to the store in batches.
    private let uses = Mutex<[String: Date]>([:])

    package init(entries: [APIKeyEntry] = []) {
        replace(with: entries)
    }

    /// Looks up `presented` (the key text from the request) and, when it is valid, notes the use.
    /// Text that is not shaped like a key is `.unknown` without being hashed.
    package func authenticate(_ presented: String, now: Date = Date()) -> KeyLookup { authenticate(presented[...], now: now) }

    /// Concrete, not generic over `StringProtocol`: across modules an unspecialized generic
    /// call costs metadata lookups on every request.
    package func authenticate(_ presented: Substring, now: Date = Date()) -> KeyLookup {
        guard APIKeyFormat.isWellFormed(presented) else { return .unknown }
        let digest = APIKeyDigest(of: presented)
        guard let held = state.withLock({ $0.byDigest[digest] }) else { return .unknown }
        let record = held.record
        switch record.status(at: now) {
        case .active:
            if held.claimUse(at: now) { uses.withLock { $0[record.id] = now } }
            return .valid(record)
        case .revoked:
            return .revoked(record)
        case .expired:
            return .expired(record)
        }
    }

    /// The generation of the keys: read it before `authenticate`, and a later change of any
    /// key shows as a different value.
    package var generation: UInt64 { changes.load(ordering: .acquiring) }

    /// Notes a successful use of key `id` that did not go through `authenticate` (a connection
    /// that remembered its key).
    package func noteUse(id: String, at now: Date) {
        uses.withLock { $0[id] = now }
    }

    /// Swaps in a new set of keys (a full reload from the store).
    package func replace(with entries: [APIKeyEntry]) {
        var byDigest = [APIKeyDigest: Held](minimumCapacity: entries.count)
        var digestByID = [String: APIKeyDigest](minimumCapacity: entries.count)
        for entry in entries {
            byDigest[entry.digest] = Held(entry.record)
            digestByID[entry.record.id] = entry.digest
        }
        state.withLock { state in
            for (id, revokedAt) in state.pendingRevocations {
                guard let digest = digestByID[id], var record = byDigest[digest]?.record, record.revokedAt == nil else {
                    state.pendingRevocations[id] = nil
                    continue
                }
                record.revokedAt = revokedAt
                byDigest[digest] = Held(record)
            }
            state.byDigest = byDigest
            state.digestByID = digestByID
        }
        changes.add(1, ordering: .releasing)
    }

    /// Applies a revoke at once, ahead of the reload that will bring it from the store.
    /// Returns false when no key has this id (yet).
    @discardableResult
    package func revokeNow(id: String, at now: Date = Date()) -> Bool {
        defer { changes.add(1, ordering: .releasing) }
        return state.withLock { state in
            state.pendingRevocations[id] = now
            guard let digest = state.digestByID[id], var record = state.byDigest[digest]?.record else { return false }
            if record.revokedAt == nil {
                record.revokedAt = now
                state.byDigest[digest] = Held(record)
            }
            return true
        }
    }

    /// The uses noted since the last call (key id → latest use), for the store.
    package func takeUses() -> [String: Date] {
        uses.withLock { uses in
            defer { uses = [:] }
            return uses
        }
    }

    /// Every key held, sorted by name then id (for the admin API and tests).
    package var records: [APIKeyRecord] {
        state.withLock { $0.byDigest.values.map(\.record) }.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
    }
}
