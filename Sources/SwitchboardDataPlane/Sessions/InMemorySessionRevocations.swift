import Crypto
import Synchronization

/// Ended session ids for one replica, held until their tokens expire.
///
/// Bounded: each entry is a 16-byte digest of the id, not the id (ids carry the client's
/// capabilities and can be kilobytes). When the list is full the oldest entry is dropped,
/// which lets that one ended id work again until it expires; `dropped` counts how often (no
/// metric reads it yet). Entries leave in the order they came, and all tokens share one lifetime, so the
/// oldest entry is close to the one expiring first.
package final class InMemorySessionRevocations: SessionRevocations {
    private struct Digest: Hashable {
        var high: UInt64
        var low: UInt64
    }

    private struct State {
        var expiry: [Digest: Int64] = [:]
        /// Insertion order; `head` is the oldest live position.
        var order: [Digest] = []
        var head = 0
        var dropped = 0
    }

    package let capacity: Int
    private let state = Mutex(State())

    package init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    package func revoke(_ id: String, until expiresAt: Int64, now: Int64) {
        guard expiresAt > now else { return }
        let digest = Self.digest(id)
        state.withLock { s in
            Self.dropExpired(&s, now: now)
            if s.expiry[digest] == nil {
                if s.expiry.count >= capacity {
                    s.expiry[s.order[s.head]] = nil
                    s.head += 1
                    s.dropped += 1
                }
                s.order.append(digest)
            }
            s.expiry[digest] = max(expiresAt, s.expiry[digest] ?? 0)
            // Reclaim the consumed prefix once it is the larger part of the array.
            if s.head > 64 && s.head * 2 > s.order.count {
                s.order.removeFirst(s.head)
                s.head = 0
            }
        }
    }

    package func isRevoked(_ id: String, now: Int64) -> Bool {
        let digest = Self.digest(id)
        return state.withLock { s in (s.expiry[digest] ?? .min) > now }
    }

    package var count: Int { state.withLock { $0.expiry.count } }

    /// How many ended ids were forgotten early because the list was full.
    package var dropped: Int { state.withLock { $0.dropped } }

    private static func dropExpired(_ s: inout State, now: Int64) {
        while s.head < s.order.count {
            let oldest = s.order[s.head]
            if let expiry = s.expiry[oldest], expiry > now { break }
            s.expiry[oldest] = nil
            s.head += 1
        }
    }

    /// SHA-256, cut to 128 bits: collisions stay out of reach, and nobody can choose an id that
    /// lands on an ended one without the seal key anyway.
    private static func digest(_ id: String) -> Digest {
        let hash = SHA256.hash(data: Array(id.utf8))
        return hash.withUnsafeBytes { raw in
            Digest(
                high: raw.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) },
                low: raw.dropFirst(8).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            )
        }
    }
}
