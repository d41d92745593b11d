import Crypto

/// Tokens verified recently, so that a client's every request after the first costs a SHA-256
/// and a dictionary lookup rather than a signature check. Keyed by the token's digest: the
/// cache never holds token text. Bounded: when full, the oldest entry goes (entries live at most
/// a JWKS refresh interval, so the oldest is also about the first to expire); an expired entry
/// found by a lookup goes at once. A pure value; `JWTVerifier` holds it in a lock.
struct TokenCache {
    struct Key: Hashable {
        let a, b, c, d: UInt64

        init(_ token: Substring) {
            var hasher = SHA256()
            let hashed: Void? = token.utf8.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            if hashed == nil { hasher.update(data: Array(token.utf8)) }
            let digest = hasher.finalize()
            (a, b, c, d) = digest.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            }
        }
    }

    struct Entry {
        let token: VerifiedToken
        /// Seconds since 1970; the entry is gone at this instant.
        let validUntil: Double
    }

    let capacity: Int
    private var entries: [Key: Entry] = [:]
    /// Insertion order, for evicting the oldest; may hold keys already removed.
    private var order: [Key] = []
    private var orderStart = 0
    /// Bumped by the key source whenever a key leaves the JWKS; entries from before are dropped
    /// so that a withdrawn key stops working at once, not when its tokens expire.
    private var generation: Int

    init(capacity: Int, generation: Int = 0) {
        self.capacity = max(1, capacity)
        self.generation = generation
    }

    var count: Int { entries.count }

    mutating func lookup(_ key: Key, now: Double, generation: Int) -> VerifiedToken? {
        if generation != self.generation { reset(generation: generation) }
        guard let entry = entries[key] else { return nil }
        guard now < entry.validUntil else {
            entries[key] = nil
            return nil
        }
        return entry.token
    }

    mutating func insert(_ key: Key, _ entry: Entry, now: Double, generation: Int) {
        if generation != self.generation {
            // Verified against a key set that has since lost a key: not trusted for later.
            guard generation > self.generation else { return }
            reset(generation: generation)
        }
        guard now < entry.validUntil else { return }
        if entries.updateValue(entry, forKey: key) != nil { return }
        order.append(key)
        while entries.count > capacity, orderStart < order.count {
            entries[order[orderStart]] = nil
            orderStart += 1
        }
        compactOrder()
    }

    /// Keeps `order` proportional to the live entries, in amortised constant time.
    private mutating func compactOrder() {
        guard order.count > 2 * capacity else { return }
        order = order[orderStart...].filter { entries[$0] != nil }
        orderStart = 0
    }

    private mutating func reset(generation: Int) {
        self.generation = generation
        entries.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        orderStart = 0
    }
}
