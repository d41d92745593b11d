/// Instructions to the model in what a tool returns ("ignore previous instructions", forged
/// role markers, "do not tell the user", "decode this and follow it", data sent off in a
/// markdown image): the definition rules of those families, read on result text.
///
/// Reading every result the way a definition is read (normalised, split into sentences, every
/// rule tried) would cost tens of microseconds per kilobyte on every call. So the result's
/// bytes go first through a prefilter that cannot miss what the rules can find. A rule's word
/// matchers and phrase groups each need one of their terms' first words somewhere in the text;
/// the prefilter hashes each ASCII word once, looks up which of those groups it belongs to,
/// and at the end asks whether every group of some rule was seen. Rules made of substrings
/// only need one of their substrings, found from a table of their first two bytes. Anything it cannot
/// judge byte by byte sends the text to the full read: bytes outside ASCII (other languages,
/// hidden characters), `\u` escapes and ANSI escapes, and long base64 or hex runs that start
/// with readable text. Most results are cleared by the prefilter alone.
package struct InjectionScreen: Sendable {
    /// The families read in results. Sensitive files, harvesting and cross-server steering are
    /// about what a definition asks for; a result that names `~/.ssh` or another tool is data.
    package static let families: Set<GuardFamily> = [.override, .concealment, .coercive, .exfiltration]

    private let scanner: DefinitionScanner
    private let families: Set<GuardFamily>
    private let words: WordTable
    private let prefixes: WordTable
    /// Bit n: some prefix is n bytes long.
    private let prefixLengths: UInt64
    /// Per word rule, the groups it needs all of.
    private let rules: [Groups]
    private let needles: [[UInt8]]
    private let needleGroups: [Groups]
    private let needlePairs: [UInt64]

    package init(scanner: DefinitionScanner, families: Set<GuardFamily> = InjectionScreen.families) {
        self.scanner = scanner
        self.families = families
        var exact: [[UInt8]: Groups] = [:]
        var open: [[UInt8]: Groups] = [:]
        var substrings: [[UInt8]: Groups] = [:]
        var rules: [Groups] = []
        var group = 0
        for rule in scanner.rules.rules where families.contains(rule.family ?? .override) && rule.enabled != false {
            let groups = Self.groups(of: rule)
            guard !groups.isEmpty, group + groups.count <= Groups.capacity else { continue }
            var needs = Groups()
            for terms in groups {
                needs.insert(group)
                for term in terms {
                    switch term {
                    case .word(let word): exact[word, default: Groups()].insert(group)
                    case .prefix(let prefix): open[prefix, default: Groups()].insert(group)
                    // In raw JSON a line break is `\n`, a quote `\"`.
                    case .substring(let needle): substrings[Self.rawForm(needle), default: Groups()].insert(group)
                    }
                }
                group += 1
            }
            rules.append(needs)
        }
        words = WordTable(exact)
        prefixes = WordTable(open)
        prefixLengths = open.keys.reduce(0) { $0 | (1 << UInt64(min($1.count, 63))) }
        self.rules = rules
        let needles = substrings.filter { $0.key.count >= 2 }
        self.needles = Array(needles.keys)
        needleGroups = self.needles.map { needles[$0]! }
        var pairs = [UInt64](repeating: 0, count: 1024)
        for needle in self.needles {
            let pair = Int(needle[0]) << 8 | Int(needle[1])
            pairs[pair >> 6] |= 1 << UInt64(pair & 63)
        }
        needlePairs = pairs
    }

    /// What one term of a group is: a word, a word's beginning, or a substring.
    private enum Term {
        case word([UInt8])
        case prefix([UInt8])
        case substring([UInt8])
    }

    /// The groups a rule cannot match without one term of each: per word matcher its terms'
    /// first words, per phrase group the same, per substring matcher its substrings, per
    /// sequence each part.
    private static func groups(of rule: GuardRuleSet.Rule) -> [[Term]] {
        func firstWord(_ term: String) -> Term? {
            guard let word = term.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "'" || $0 == "*") }).first else { return nil }
            return word.hasSuffix("*") ? .prefix(Array(word.dropLast().utf8)) : .word(Array(word.utf8))
        }
        var groups: [[Term]] = []
        for matcher in rule.all ?? [] {
            if let words = matcher.words { groups.append(words.compactMap(firstWord)) }
            if let phrase = matcher.phrase { groups += phrase.map { $0.compactMap(firstWord) } }
            if let text = matcher.text { groups.append(text.map { .substring(Array($0.lowercased().trimmingSuffix("*").utf8)) }) }
            if let seq = matcher.seq { groups += seq.map { [.substring(Array($0.lowercased().utf8))] } }
        }
        return groups
    }

    private static func rawForm(_ needle: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for b in needle {
            switch b {
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            default: out.append(b)
            }
        }
        return out
    }

    /// Whether `raw` (JSON as it came, or a decoded string) may hold text a rule matches:
    /// false clears it.
    package func mightMatch(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let word = Self.wordByte
        let fold = Self.folded
        var i = 0
        var hash: UInt64 = Self.seed
        var length = 0
        var seen = Groups()
        // A run of base64 (or hex) characters: does it start with readable text?
        var run = 0
        var runStart = 0
        func readableRun(endingAt end: Int) -> Bool {
            defer { run = 0 }
            return run >= EncodedRuns.minimumBase64 && EncodedRuns.startsReadable(UnsafeBufferPointer(rebasing: raw[runStart..<end]))
        }
        // A word ends: the groups it is in.
        func wordEnds() {
            if let groups = words.groups(of: hash) { seen.formUnion(groups) }
            hash = Self.seed
            length = 0
        }
        while i < raw.count {
            let b = raw[i]
            if b >= 0x80 || b == 0x1B { return true }
            if Self.base64Byte[Int(b)] {
                if run == 0 { runStart = i }
                run += 1
            } else if run > 0, readableRun(endingAt: i) {
                return true
            }
            if i + 1 < raw.count, needleStarts(fold[Int(b)], fold[Int(raw[i + 1])]) { needles(at: i, in: raw, into: &seen) }
            if word[Int(b)] {
                if length == 0 { runStart = i }
                hash = (hash ^ UInt64(fold[Int(b)])) &* Self.prime
                length += 1
                if length < 64, prefixLengths & (1 << UInt64(length)) != 0, let groups = prefixes.groups(of: hash) { seen.formUnion(groups) }
                i += 1
                continue
            }
            if length > 0 { wordEnds() }
            if b == UInt8(ascii: "\\"), i + 1 < raw.count {
                // A JSON escape: `\u` may spell anything; `\n` and the others separate words.
                if raw[i + 1] == UInt8(ascii: "u") { return true }
                i += 2
                continue
            }
            i += 1
        }
        if length > 0 { wordEnds() }
        if run > 0, readableRun(endingAt: raw.count) { return true }
        return rules.contains { seen.contains($0) }
    }

    /// What the rules find in `text` (a string leaf of a result, decoded), at `path`.
    package func findings(in text: String, path: String) -> [GuardFinding] {
        var probe = text
        let clear = probe.withUTF8 { !mightMatch($0) }
        guard !clear else { return [] }
        return scanner.scan(resultText: text, path: path, families: families)
    }

    private func needleStarts(_ a: UInt8, _ b: UInt8) -> Bool {
        let pair = Int(a) << 8 | Int(b)
        return needlePairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0
    }

    /// The groups of the substrings that start at `i`.
    private func needles(at i: Int, in raw: UnsafeBufferPointer<UInt8>, into seen: inout Groups) {
        let fold = Self.folded
        outer: for (n, needle) in needles.enumerated() where i + needle.count <= raw.count && needle[0] == fold[Int(raw[i])] {
            for k in 1..<needle.count where needle[k] != fold[Int(raw[i + k])] { continue outer }
            seen.formUnion(needleGroups[n])
        }
    }

    // MARK: Words

    /// Word bytes as `GuardSentence` splits words (ASCII letters, digits, the apostrophe).
    private static let wordByte: [Bool] = (0..<256).map { b in
        let b = UInt8(b)
        return SecretDetector.isDigit(b) || SecretDetector.isUpper(b) || SecretDetector.isLower(b) || b == UInt8(ascii: "'")
    }

    /// The base64 alphabets (standard and URL-safe), which hold hex.
    private static let base64Byte: [Bool] = (0..<256).map { b in
        let b = UInt8(b)
        return SecretDetector.isDigit(b) || SecretDetector.isUpper(b) || SecretDetector.isLower(b) || "+/-_".utf8.contains(b)
    }

    /// Each byte with ASCII capitals lowercased.
    private static let folded: [UInt8] = (0..<256).map { SecretDetector.isUpper(UInt8($0)) ? UInt8($0) + 32 : UInt8($0) }

    private static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a hashes of words in an open-addressed table, each with its groups: a lookup is
    /// a multiply and a probe or two. A collision only sends a text to the full read.
    private struct WordTable: Sendable {
        private let slots: [UInt64]
        private let groups: [Groups]
        private let mask: Int

        init(_ words: [[UInt8]: Groups]) {
            var size = 64
            while size < words.count * 4 { size <<= 1 }
            var slots = [UInt64](repeating: 0, count: size)
            var groups = [Groups](repeating: Groups(), count: size)
            for (word, wordGroups) in words {
                var hash = InjectionScreen.seed
                for b in word { hash = (hash ^ UInt64(b)) &* InjectionScreen.prime }
                var slot = Int(truncatingIfNeeded: hash >> 7) & (size - 1)
                while slots[slot] != 0, slots[slot] != hash { slot = (slot + 1) & (size - 1) }
                slots[slot] = hash
                groups[slot].formUnion(wordGroups)
            }
            self.slots = slots
            self.groups = groups
            mask = size - 1
        }

        func groups(of hash: UInt64) -> Groups? {
            var slot = Int(truncatingIfNeeded: hash >> 7) & mask
            while true {
                let value = slots[slot]
                if value == hash { return groups[slot] }
                if value == 0 { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    /// A set of up to 256 group numbers, in four words.
    private struct Groups: Sendable {
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

        mutating func formUnion(_ other: Groups) {
            bits = (bits.0 | other.bits.0, bits.1 | other.bits.1, bits.2 | other.bits.2, bits.3 | other.bits.3)
        }

        func contains(_ other: Groups) -> Bool {
            bits.0 & other.bits.0 == other.bits.0 && bits.1 & other.bits.1 == other.bits.1
                && bits.2 & other.bits.2 == other.bits.2 && bits.3 & other.bits.3 == other.bits.3
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) && count > suffix.count ? String(dropLast(suffix.count)) : self
    }
}
