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
    /// Some rule did not fit the prefilter's `Groups.capacity` word groups: nothing is cleared.
    package let readsEverything: Bool
    private let words: WordTable
    private let prefixes: WordTable
    /// Bit n: some prefix is n bytes long.
    private let prefixLengths: UInt64
    /// Per rule read sentence by sentence, the groups it needs all of in one sentence.
    private let sentenceRules: [Groups]
    /// Per rule read over a whole string (`scope: field`), the groups it needs in it.
    private let fieldRules: [Groups]
    /// `classes` with `singleClass` on the bytes of one-byte substrings, and their groups.
    private let classes: [UInt8]
    private let singles: [Groups]
    private let needles: [[UInt8]]
    private let needleGroups: [Groups]
    private let needlePairs: [UInt64]
    /// A bit per hash of a needle's first three bytes (`tripleBit`), and per pair whose needles
    /// include a two-byte one: common pairs (`re`, `co`) send few positions on to `needles`.
    private let triples: [UInt64]
    private let shortPairs: [UInt64]
    /// The needles by their first two bytes: those of pair p are `byPair[pairStart[p]..<pairStart[p + 1]]`.
    private let pairStart: [Int32]
    private let byPair: [Int32]

    package init(scanner: DefinitionScanner, families: Set<GuardFamily> = InjectionScreen.families) {
        self.scanner = scanner
        self.families = families
        var exact: [[UInt8]: Groups] = [:]
        var open: [[UInt8]: Groups] = [:]
        var substrings: [[UInt8]: Groups] = [:]
        var sentenceRules: [Groups] = [], fieldRules: [Groups] = []
        var group = 0
        var readsEverything = false
        for rule in scanner.rules.rules where families.contains(rule.family ?? .override) && rule.enabled != false {
            let groups = Self.groups(of: rule)
            guard !groups.isEmpty else { continue }
            // A rule file with more word groups than the pass can track: every text goes to
            // the full read (slower, never blind to a rule).
            guard group + groups.count <= Groups.capacity else {
                readsEverything = true
                continue
            }
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
            if rule.scope == "field" { fieldRules.append(needs) } else { sentenceRules.append(needs) }
        }
        self.readsEverything = readsEverything
        words = WordTable(exact)
        prefixes = WordTable(open)
        prefixLengths = open.keys.reduce(0) { $0 | (1 << UInt64(min($1.count, 63))) }
        self.sentenceRules = sentenceRules
        self.fieldRules = fieldRules
        // One-byte substrings (`|` of `| sh`) are found by their byte class.
        var classes = Self.classes
        var singles = [Groups](repeating: Groups(), count: 256)
        for (needle, groups) in substrings where needle.count == 1 {
            classes[Int(needle[0])] |= Self.singleClass
            singles[Int(needle[0])].formUnion(groups)
            if SecretDetector.isLower(needle[0]) {
                classes[Int(needle[0] - 32)] |= Self.singleClass
                singles[Int(needle[0] - 32)].formUnion(groups)
            }
        }
        self.classes = classes
        self.singles = singles
        let needles = substrings.filter { $0.key.count >= 2 }
        self.needles = Array(needles.keys)
        needleGroups = self.needles.map { needles[$0]! }
        var pairs = [UInt64](repeating: 0, count: 1024)
        var shortPairs = [UInt64](repeating: 0, count: 1024)
        var triples = [UInt64](repeating: 0, count: 64)
        var counts = [Int32](repeating: 0, count: 65_537)
        for needle in self.needles {
            let pair = Int(needle[0]) << 8 | Int(needle[1])
            pairs[pair >> 6] |= 1 << UInt64(pair & 63)
            counts[pair + 1] += 1
            if needle.count == 2 {
                shortPairs[pair >> 6] |= 1 << UInt64(pair & 63)
            } else {
                let bit = Self.tripleBit(pair, needle[2])
                triples[bit >> 6] |= 1 << UInt64(bit & 63)
            }
        }
        self.triples = triples
        self.shortPairs = shortPairs
        needlePairs = pairs
        for p in 1..<counts.count { counts[p] += counts[p - 1] }
        var byPair = [Int32](repeating: 0, count: self.needles.count)
        var next = counts
        for (n, needle) in self.needles.enumerated() {
            let pair = Int(needle[0]) << 8 | Int(needle[1])
            byPair[Int(next[pair])] = Int32(n)
            next[pair] += 1
        }
        pairStart = counts
        self.byPair = byPair
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

    /// Whether `text` (JSON as it came with `raw`, else a decoded string) may hold text a rule
    /// matches: false clears it. Sentence rules are judged sentence by sentence, cut where
    /// `GuardSentence` always cuts (`. `, a sentence's end before a line break, a blank line,
    /// and in raw JSON a string's end), so words scattered over a long text do not add up.
    ///
    /// With `secrets` or `pii` the same pass also looks for a secret's or personal data's start
    /// (`SecretDetector.match`, `PIIDetector.match`), so a result the gateway screens for all
    /// three is read once.
    package func mightMatch(_ text: UnsafeBufferPointer<UInt8>, raw: Bool = true, secrets: Bool = false, pii: Bool = false) -> Bool {
        if readsEverything { return true }
        return classes.withUnsafeBufferPointer { classes in
            Self.folded.withUnsafeBufferPointer { fold in
                needlePairs.withUnsafeBufferPointer { pairs in
                    SecretDetector.startPairs.withUnsafeBufferPointer { secretPairs in
                        var scan = Scan()
                        return scan.run(self, text, raw: raw, classes: classes, fold: fold, pairs: pairs, secretPairs: secrets ? secretPairs : nil, pii: pii)
                    }
                }
            }
        }
    }

    /// One pass's state, in a struct so that it stays in registers (closures would box it).
    private struct Scan {
        var hash: UInt64 = InjectionScreen.seed
        var length = 0
        var sentence = Groups()
        var field = Groups()
        /// The current run of base64 (or hex) characters.
        var run = 0
        var runStart = 0

        mutating func run(
            _ screen: InjectionScreen, _ text: UnsafeBufferPointer<UInt8>, raw: Bool, classes: UnsafeBufferPointer<UInt8>, fold: UnsafeBufferPointer<UInt8>,
            pairs: UnsafeBufferPointer<UInt64>, secretPairs: UnsafeBufferPointer<UInt64>?, pii: Bool
        ) -> Bool {
            var i = 0
            let count = text.count
            while i < count {
                let b = text[i]
                let c = classes[Int(b)]
                if c & InjectionScreen.singleClass != 0 { sentence.formUnion(screen.singles[Int(b)]) }
                // Personal data starts after a byte that is no letter or digit (or ends a JSON
                // escape): a digit or capital inside a word is passed over without a call.
                // `PIIDetector.boundary` is the rule; a class lookup here measured 3 % faster
                // than calling it.
                if pii, c & InjectionScreen.piiClass != 0,
                    c & InjectionScreen.wordClass == 0 || i == 0 || classes[Int(text[i - 1])] & InjectionScreen.alnumClass == 0
                        || (i >= 2 && text[i - 2] == UInt8(ascii: "\\")),
                    PIIDetector.match(at: i, in: text) != nil
                {
                    return true
                }
                if i + 1 < count {
                    let next = text[i + 1]
                    if let secretPairs {
                        let raw = Int(b) << 8 | Int(next)
                        if secretPairs[raw >> 6] & (1 << UInt64(raw & 63)) != 0, SecretDetector.match(at: i, in: text) != nil { return true }
                    }
                    let pair = Int(fold[Int(b)]) << 8 | Int(fold[Int(next)])
                    if pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0, screen.mayStartNeedle(pair, third: i + 2 < count ? fold[Int(text[i + 2])] : nil) {
                        screen.needles(at: i, pair: pair, in: text, into: &sentence)
                    }
                }
                if c & InjectionScreen.wordClass != 0 {
                    if run == 0 { runStart = i }
                    run += 1
                    hash = (hash ^ UInt64(fold[Int(b)])) &* InjectionScreen.prime
                    length += 1
                    if length < 64, screen.prefixLengths & (1 << UInt64(length)) != 0, let groups = screen.prefixes.groups(of: hash) { sentence.formUnion(groups) }
                    i += 1
                    continue
                }
                if length > 0 { wordEnds(screen) }
                if c & InjectionScreen.base64Class != 0 {
                    // `+ / - _`: inside a base64 run, between words.
                    if run == 0 { runStart = i }
                    run += 1
                    i += 1
                    continue
                }
                if run > 0, readableRun(text, endingAt: i) { return true }
                guard c & InjectionScreen.specialClass != 0 else {
                    i += 1
                    continue
                }
                if b >= 0x80 || b == 0x1B { return true }
                let next: UInt8 = i + 1 < count ? text[i + 1] : 0
                if raw, b == UInt8(ascii: "\\") {
                    // A JSON escape: `\u` may spell anything; `\n` and the others separate
                    // words, and two line breaks end a sentence.
                    if next == UInt8(ascii: "u") { return true }
                    if next == UInt8(ascii: "n"), i + 3 < count, text[i + 2] == UInt8(ascii: "\\"), text[i + 3] == UInt8(ascii: "n"), sentenceEnds(screen) { return true }
                    i += 2
                    continue
                }
                let isEnd = b == UInt8(ascii: ".") || b == UInt8(ascii: "!") || b == UInt8(ascii: "?")
                let ends = (isEnd && (next == UInt8(ascii: " ") || next == 0x0A || (raw && next == UInt8(ascii: "\\") && i + 2 < count && text[i + 2] == UInt8(ascii: "n"))))
                    || (b == 0x0A && next == 0x0A) || (raw && b == UInt8(ascii: "\""))
                if ends, sentenceEnds(screen) { return true }
                i += 1
            }
            if run > 0, readableRun(text, endingAt: count) { return true }
            if sentenceEnds(screen) { return true }
            return screen.fieldRules.contains { field.contains($0) }
        }

        /// A run ends: does it start with readable text once decoded?
        @inline(__always)
        mutating func readableRun(_ text: UnsafeBufferPointer<UInt8>, endingAt end: Int) -> Bool {
            let long = run >= EncodedRuns.minimumBase64
            run = 0
            return long && EncodedRuns.startsReadable(UnsafeBufferPointer(rebasing: text[runStart..<end]))
        }

        /// A word ends: the groups it is in.
        @inline(__always)
        mutating func wordEnds(_ screen: InjectionScreen) {
            if let groups = screen.words.groups(of: hash) { sentence.formUnion(groups) }
            hash = InjectionScreen.seed
            length = 0
        }

        /// A sentence ends: does some rule have every group in it? (A sentence with no word
        /// of any rule, most of them, asks none.)
        mutating func sentenceEnds(_ screen: InjectionScreen) -> Bool {
            if length > 0 { wordEnds(screen) }
            guard !sentence.isEmpty else { return false }
            defer {
                field.formUnion(sentence)
                sentence = Groups()
            }
            return screen.sentenceRules.contains { sentence.contains($0) }
        }
    }

    /// What the rules find in `text` (a string leaf of a result, decoded), at `path`.
    package func findings(in text: String, path: String) -> [GuardFinding] {
        var probe = text
        let clear = probe.withUTF8 { !mightMatch($0, raw: false) }
        guard !clear else { return [] }
        return scanner.scan(resultText: text, path: path, families: families)
    }

    static func tripleBit(_ pair: Int, _ third: UInt8) -> Int {
        Int(truncatingIfNeeded: (UInt32(truncatingIfNeeded: pair << 8 | Int(third)) &* 0x9E37_79B1) >> 20) & 4095
    }

    /// Whether a needle may start here: a two-byte one of this pair, or a longer one whose
    /// first three bytes hash like these.
    @inline(__always)
    private func mayStartNeedle(_ pair: Int, third: UInt8?) -> Bool {
        if shortPairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 { return true }
        guard let third else { return false }
        let bit = Self.tripleBit(pair, third)
        return triples[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// The groups of the substrings that start at `i` (whose first two bytes are `pair`).
    private func needles(at i: Int, pair: Int, in text: UnsafeBufferPointer<UInt8>, into seen: inout Groups) {
        let fold = Self.folded
        outer: for k in Int(pairStart[pair])..<Int(pairStart[pair + 1]) {
            let n = Int(byPair[k])
            let needle = needles[n]
            guard i + needle.count <= text.count else { continue }
            for j in 2..<max(2, needle.count) where needle[j] != fold[Int(text[i + j])] { continue outer }
            seen.formUnion(needleGroups[n])
        }
    }

    // MARK: Words

    /// Byte classes: word bytes as `GuardSentence` splits words (ASCII letters, digits, the
    /// apostrophe); the rest of the base64 alphabets; bytes that need a closer look (outside
    /// ASCII, escapes, quotes, sentence ends, line breaks).
    static let wordClass: UInt8 = 1, base64Class: UInt8 = 2, specialClass: UInt8 = 4, singleClass: UInt8 = 8, piiClass: UInt8 = 16, alnumClass: UInt8 = 32
    private static let classes: [UInt8] = (0..<256).map { value in
        let b = UInt8(value)
        if SecretDetector.isDigit(b) || SecretDetector.isUpper(b) { return wordClass | piiClass | alnumClass }
        if "@+(".utf8.contains(b) { return piiClass }
        if SecretDetector.isLower(b) { return wordClass | alnumClass }
        if b == UInt8(ascii: "'") { return wordClass }
        if "+/-_".utf8.contains(b) { return base64Class }
        if b >= 0x80 || b == 0x1B || b == 0x0A || "\\\".!?".utf8.contains(b) { return specialClass }
        return 0
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
        /// A bit per value of a hash's top 8 bits: most words are turned away by one test.
        private let bloom: Groups

        init(_ words: [[UInt8]: Groups]) {
            var size = 64
            while size < words.count * 4 { size <<= 1 }
            var slots = [UInt64](repeating: 0, count: size)
            var groups = [Groups](repeating: Groups(), count: size)
            var bloom = Groups()
            for (word, wordGroups) in words {
                var hash = InjectionScreen.seed
                for b in word { hash = (hash ^ UInt64(b)) &* InjectionScreen.prime }
                bloom.insert(Int(hash >> 56))
                var slot = Int(truncatingIfNeeded: hash >> 7) & (size - 1)
                while slots[slot] != 0, slots[slot] != hash { slot = (slot + 1) & (size - 1) }
                slots[slot] = hash
                groups[slot].formUnion(wordGroups)
            }
            self.slots = slots
            self.groups = groups
            self.bloom = bloom
            mask = size - 1
        }

        func groups(of hash: UInt64) -> Groups? {
            guard bloom.has(Int(hash >> 56)) else { return nil }
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

        func has(_ n: Int) -> Bool {
            let bit = UInt64(1) << UInt64(n & 63)
            switch n >> 6 {
            case 0: return bits.0 & bit != 0
            case 1: return bits.1 & bit != 0
            case 2: return bits.2 & bit != 0
            default: return bits.3 & bit != 0
            }
        }

        mutating func formUnion(_ other: Groups) {
            bits = (bits.0 | other.bits.0, bits.1 | other.bits.1, bits.2 | other.bits.2, bits.3 | other.bits.3)
        }

        var isEmpty: Bool { bits.0 | bits.1 | bits.2 | bits.3 == 0 }

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
