/// The lookups `InjectionScreen`'s pass makes at each word and substring start: small,
/// built once per rule set, so that a result's few hundred lookups stay in cache.
extension InjectionScreen {
    /// A set of up to 256 group numbers, in four words.
    struct Groups: Sendable {
        static let capacity = 256
        private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        mutating func insert(_ n: Int) {
            let bit = UInt64(1) << UInt64(n & 63)
            switch n >> 6 {
            case 0: bits.0 |= bit
            case 1: bits.1 |= bit
            case 2: bits.2 |= bit
            default: bits.3 |= bit
            }
        }

        @inline(__always)
        mutating func formUnion(_ other: Groups) {
            bits = (bits.0 | other.bits.0, bits.1 | other.bits.1, bits.2 | other.bits.2, bits.3 | other.bits.3)
        }

        var isEmpty: Bool { bits.0 | bits.1 | bits.2 | bits.3 == 0 }

        func contains(_ other: Groups) -> Bool {
            bits.0 & other.bits.0 == other.bits.0 && bits.1 & other.bits.1 == other.bits.1
                && bits.2 & other.bits.2 == other.bits.2 && bits.3 & other.bits.3 == other.bits.3
        }
    }

    /// `count` bytes (up to 8, fewer at the text's end) of `text` from `i` as a little-endian
    /// word, each with 0x20 set (a word byte's lowercase), the rest zero. Keys and hashes are made from these, on the rules'
    /// side the same way, so a text byte and a rule byte that differ only in case look alike.
    @inline(__always)
    static func chunk(_ text: UnsafeBufferPointer<UInt8>, at i: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        var count = count
        if i + 8 <= text.count {
            value = UInt64(littleEndian: UnsafeRawPointer(text.baseAddress! + i).loadUnaligned(as: UInt64.self))
        } else {
            count = min(count, text.count - i)
            for j in 0..<count { value |= UInt64(text[i + j]) << UInt64(8 * j) }
        }
        let mask: UInt64 = count >= 8 ? ~0 : (1 << UInt64(8 * count)) &- 1
        return (value | 0x2020_2020_2020_2020) & mask
    }

    static func chunk(_ bytes: [UInt8], count: Int) -> UInt64 {
        bytes.withUnsafeBufferPointer { chunk($0, at: 0, count: count) }
    }

    private static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always)
    private static func mix(_ hash: UInt64, _ chunk: UInt64) -> UInt64 {
        let h = (hash ^ chunk) &* prime
        return h ^ (h >> 29)
    }

    /// The hash of a word of `count` bytes from `i`, as `WordTable` keeps words; `head` is
    /// `chunk(text, at: i, count: 8)` (or less at the text's end).
    @inline(__always)
    static func hash(_ text: UnsafeBufferPointer<UInt8>, at i: Int, count: Int, head: UInt64) -> UInt64 {
        if count <= 8 { return mix(seed ^ UInt64(count), count == 8 ? head : head & ((1 << UInt64(8 * count)) &- 1)) }
        var hash = mix(seed ^ UInt64(count), head)
        var at = i + 8, left = count - 8
        while left > 8 {
            hash = mix(hash, chunk(text, at: at, count: 8))
            at += 8
            left -= 8
        }
        return mix(hash, chunk(text, at: at, count: left))
    }

    static func hash(_ word: [UInt8]) -> UInt64 {
        word.withUnsafeBufferPointer { hash($0, at: 0, count: $0.count, head: chunk($0, at: 0, count: min($0.count, 8))) }
    }

    /// 4,096 keys for a start's first three bytes (the low three of a `chunk`), and 4,096
    /// more for its first two.
    @inline(__always)
    static func key3(_ head: UInt64) -> Int {
        Int((UInt32(truncatingIfNeeded: head & 0xFF_FFFF) &* 0x9E37_79B1) >> 20)
    }

    @inline(__always)
    static func key2(_ head: UInt64) -> Int {
        4096 + Int((UInt32(truncatingIfNeeded: head & 0xFFFF) &* 0x85EB_CA6B) >> 20)
    }

    /// The key (13 bits) of a word's beginning: its first four bytes, or all of a shorter
    /// word's (`head` as `chunk` gives it, `length` the word's). Word bytes are never zero, so
    /// words of different lengths never share a value.
    @inline(__always)
    static func headKey(_ head: UInt64, length: Int) -> Int {
        let value = UInt32(truncatingIfNeeded: length >= 4 ? head : head & ((1 << UInt64(8 * length)) &- 1))
        return Int((value &* 0x9E37_79B1) >> 19)
    }

    /// A bit per key (8,192 bits, 1 KB).
    struct KeySet: Sendable {
        private var bits = [UInt64](repeating: 0, count: 128)

        mutating func insert(_ key: Int) {
            bits[key >> 6] |= 1 << UInt64(key & 63)
        }

        @inline(__always)
        func contains(_ key: Int) -> Bool {
            bits[key >> 6] & (1 << UInt64(key & 63)) != 0
        }
    }

    /// Word hashes in an open-addressed table a quarter full, 4 bytes a slot (a 16-bit tag and
    /// the word's entry in `groups`), behind a bit per hash's top 12 bits: most words are
    /// turned away by one test, a rule's word found in a probe or two, and the whole stays
    /// a few kilobytes, in cache between calls. A tag that collides only sends a text to the
    /// full read.
    struct WordTable: Sendable {
        private let slots: [UInt32]
        private let groups: [Groups]
        private let mask: Int
        private let bloom: [UInt64]
        /// False when more words than 16 bits number were given: the screen reads everything.
        let fits: Bool

        init(_ words: [[UInt8]: Groups]) {
            var size = 64
            while size < words.count * 4 { size <<= 1 }
            var slots = [UInt32](repeating: 0, count: size)
            var groups: [Groups] = []
            var bloom = [UInt64](repeating: 0, count: 64)
            fits = words.count < 0xFFFF
            for (word, wordGroups) in words where fits {
                let hash = InjectionScreen.hash(word)
                bloom[Int(hash >> 58)] |= 1 << ((hash >> 52) & 63)
                var slot = Int(truncatingIfNeeded: hash) & (size - 1)
                while slots[slot] != 0, slots[slot] & 0xFFFF_0000 != Self.tag(hash) { slot = (slot + 1) & (size - 1) }
                if slots[slot] == 0 {
                    groups.append(wordGroups)
                    slots[slot] = Self.tag(hash) | UInt32(groups.count)
                } else {
                    // Another word with this tag here: one entry answers for both.
                    groups[Int(slots[slot] & 0xFFFF) - 1].formUnion(wordGroups)
                }
            }
            self.slots = slots
            self.groups = groups
            self.bloom = bloom
            mask = size - 1
        }

        @inline(__always)
        private static func tag(_ hash: UInt64) -> UInt32 {
            UInt32(truncatingIfNeeded: hash >> 32) & 0xFFFF_0000
        }

        /// The groups of the word with this hash, into `found`; false when it is none of the
        /// table's (so that the common miss copies no groups).
        @inline(__always)
        func find(_ hash: UInt64, into found: inout Groups) -> Bool {
            guard bloom[Int(hash >> 58)] & (1 << ((hash >> 52) & 63)) != 0 else { return false }
            var slot = Int(truncatingIfNeeded: hash) & mask
            let tag = Self.tag(hash)
            while true {
                let value = slots[slot]
                if value == 0 { return false }
                if value & 0xFFFF_0000 == tag {
                    found.formUnion(groups[Int(value & 0xFFFF) - 1])
                    return true
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Substrings of two bytes or more (lowercased, as raw JSON spells them), found by their
    /// first bytes: a bit per `key3` (`key2` for two-byte ones) of their starts, then the few
    /// of that key's bucket compared byte by byte.
    struct NeedleTable: Sendable {
        /// The needles back to back: needle n is `bytes[starts[n]..<starts[n + 1]]`.
        private let bytes: [UInt8]
        private let starts: [Int32]
        private let groups: [Groups]
        private let keys: KeySet
        /// Needles by bucket (`key >> 3`): bucket b's are `byBucket[bucketStart[b]..<bucketStart[b + 1]]`.
        private let bucketStart: [UInt16]
        private let byBucket: [UInt16]

        init(_ needles: [[UInt8]: Groups]) {
            let list = needles.keys.filter { $0.count >= 2 }.sorted { $0.lexicographicallyPrecedes($1) }
            var bytes: [UInt8] = [], starts: [Int32] = [0]
            var keys = KeySet()
            var counts = [UInt16](repeating: 0, count: 1025)
            var bucketOf: [Int] = []
            for needle in list {
                bytes += needle
                starts.append(Int32(bytes.count))
                let head = InjectionScreen.chunk(needle, count: min(needle.count, 3))
                let key = needle.count == 2 ? InjectionScreen.key2(head) : InjectionScreen.key3(head)
                keys.insert(key)
                bucketOf.append(key >> 3)
                counts[(key >> 3) + 1] += 1
            }
            for b in 1..<counts.count { counts[b] += counts[b - 1] }
            var byBucket = [UInt16](repeating: 0, count: list.count)
            var next = counts
            for (n, bucket) in bucketOf.enumerated() {
                byBucket[Int(next[bucket])] = UInt16(n)
                next[bucket] += 1
            }
            self.bytes = bytes
            self.starts = starts
            groups = list.map { needles[$0]! }
            self.keys = keys
            bucketStart = counts
            self.byBucket = byBucket
        }

        /// The groups of the needles that start at `i`, whose next bytes `head` holds (as
        /// `chunk` gives them, from `i` to the text's end or 8 bytes).
        /// False when none starts there.
        @inline(__always)
        func find(at i: Int, head: UInt64, in text: UnsafeBufferPointer<UInt8>, fold: UnsafeBufferPointer<UInt8>, into found: inout Groups) -> Bool {
            let left = text.count - i
            guard left >= 2 else { return false }
            var any = false
            let two = InjectionScreen.key2(head)
            if keys.contains(two), verify(bucket: two >> 3, at: i, in: text, fold: fold, into: &found) { any = true }
            guard left >= 3 else { return any }
            let three = InjectionScreen.key3(head)
            if keys.contains(three), verify(bucket: three >> 3, at: i, in: text, fold: fold, into: &found) { any = true }
            return any
        }

        @inline(never)
        private func verify(bucket: Int, at i: Int, in text: UnsafeBufferPointer<UInt8>, fold: UnsafeBufferPointer<UInt8>, into found: inout Groups) -> Bool {
            var any = false
            outer: for k in Int(bucketStart[bucket])..<Int(bucketStart[bucket + 1]) {
                let n = Int(byBucket[k])
                let start = Int(starts[n]), length = Int(starts[n + 1]) - start
                guard i + length <= text.count else { continue }
                for j in 0..<length where bytes[start + j] != fold[Int(text[i + j])] { continue outer }
                found.formUnion(groups[n])
                any = true
            }
            return any
        }
    }
}
