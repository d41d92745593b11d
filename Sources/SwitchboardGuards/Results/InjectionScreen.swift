import CSwitchboardScan

/// Instructions to the model in what a tool returns ("ignore previous instructions", forged
/// role markers, "do not tell the user", "decode this and follow it", data sent off in a
/// markdown image): the definition rules of those families, read on result text.
///
/// Reading every result the way a definition is read (normalised, split into sentences, every
/// rule tried) would cost tens of microseconds per kilobyte on every call. So the result's
/// bytes go first through a prefilter that cannot miss what the rules can find. A rule's word
/// matchers and phrase groups each need one word of one of their terms somewhere in the text
/// (each term is looked for by its least common word: "tell the user" by "user"); the
/// prefilter tests each ASCII word's first bytes against the beginnings of all it looks for
/// at a word's start (most words fail that one test), hashes the rest once, looks up which
/// of those groups they belong to, and at the end asks whether every group of some rule was
/// seen. Rules made of substrings
/// only need one of their substrings, looked for where one can start. Anything it cannot
/// judge byte by byte sends the text to the full read: bytes outside ASCII (other languages,
/// hidden characters), `\u` and `\/` escapes and ANSI escapes, and long base64 or hex runs
/// that start with readable text. Most results are cleared by the prefilter alone.
///
/// The prefilter does not visit every byte. `sb_scan_classify` (C, SSE2) marks 16 bytes at a
/// time where something can start — a word, a run, a byte that is no letter, digit or space,
/// a substring that may start inside a word — and only those positions are looked at
/// (`InjectionScreen+Pass.swift`): in ordinary text about one byte in four.
package struct InjectionScreen: Sendable {
    /// The families read in results. Sensitive files, harvesting and cross-server steering are
    /// about what a definition asks for; a result that names `~/.ssh` or another tool is data.
    package static let families: Set<GuardFamily> = [.override, .concealment, .coercive, .exfiltration]

    let scanner: DefinitionScanner
    let families: Set<GuardFamily>
    /// Some rule did not fit the prefilter (more than `Groups.capacity` word groups, or more
    /// substrings to find inside words than `sb_scan_pairs` holds): nothing is cleared.
    package let readsEverything: Bool
    let words: WordTable
    let prefixes: WordTable
    /// Bit n: some prefix is n bytes long.
    let prefixLengths: UInt64
    /// The `key3` of every prefix's first three bytes: most words start like none.
    let prefixHeads: KeySet
    /// Some rule word starts with a digit; else numbers (and hashes, dates) are no words to look up.
    let digitWords: Bool
    /// `headKey` of the beginning of everything that is looked for where a word starts: rule
    /// words and prefixes, substrings that start a word, secrets' prefixes. A word whose
    /// beginning is none of these is passed over after one test (most words of ordinary text).
    let heads: KeySet
    /// The `headKey` (of three bytes) of what is looked for by its first three bytes only (a
    /// prefix `add*`, a secret's `eyJ`): tried for words of four bytes or more.
    let shortHeads: KeySet
    /// False when something looked for at a word's start is too short to have a head (a
    /// prefix or an open substring of one or two letters, a one-letter substring): every
    /// word is looked up.
    let headsFilter: Bool
    /// Per rule read sentence by sentence, the groups it needs all of in one sentence.
    let sentenceRules: [Groups]
    /// Per rule read over a whole string (`scope: field`), the groups it needs in it.
    let fieldRules: [Groups]
    /// `classes` with `singleClass` on the bytes of one-byte substrings and `needleClass` on
    /// the first bytes of longer ones; the groups of the one-byte ones.
    let classes: [UInt8]
    let singles: [Groups]
    let needles: NeedleTable
    /// The `key2` of every secret's first two bytes as they are (case counts).
    let secretStarts: KeySet
    /// The first two bytes of substrings that may start inside a word (a `seq` part such as
    /// `sh` of `| bash`): the classifier marks where they occur. Other substrings start at a
    /// byte that is no letter or digit, or (`text` terms, matched as whole words) at a word's start.
    let anywhere: sb_scan_pairs

    package init(scanner: DefinitionScanner, families: Set<GuardFamily> = InjectionScreen.families) {
        self.scanner = scanner
        self.families = families
        var exact: [[UInt8]: Groups] = [:]
        var open: [[UInt8]: Groups] = [:]
        var substrings: [[UInt8]: Groups] = [:]
        var inWords: Set<[UInt8]> = []
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
                    // In raw JSON a line break is `\n`, a quote `\"`; a decoded string has
                    // them as they are. Either form where the other is read only adds a
                    // text to the full read.
                    case .substring(let needle, let anywhere):
                        for form in Set([needle, Self.rawForm(needle)]) {
                            substrings[form, default: Groups()].insert(group)
                            if anywhere, let first = form.first, CompiledGuardRule.Matcher.isWordByte(first) || first == UInt8(ascii: " ") { inWords.insert(form) }
                        }
                    }
                }
                group += 1
            }
            if rule.scope == "field" { fieldRules.append(needs) } else { sentenceRules.append(needs) }
        }
        words = WordTable(exact)
        prefixes = WordTable(open)
        prefixLengths = open.keys.reduce(0) { $0 | (1 << UInt64(min($1.count, 63))) }
        var heads = KeySet()
        for prefix in open.keys where prefix.count >= 3 { heads.insert(Self.key3(Self.chunk(prefix, count: 3))) }
        prefixHeads = heads
        digitWords = (Array(exact.keys) + Array(open.keys)).contains { $0.first.map(SecretDetector.isDigit) ?? false }
        // What starts at a word's start: whole words, and prefixes, substrings and secrets by
        // their first word bytes (`nc ` is the word `nc`): the first four, or all of fewer;
        // what may go on after three bytes (`add*`) by those three, in `shortHeads` too.
        var wordHeads = KeySet(), shortHeads = KeySet()
        var headsFilter = true
        func addHead(_ bytes: [UInt8], open: Bool) {
            let run = Array(bytes.prefix { SecretDetector.isDigit($0) || SecretDetector.isLower($0) || SecretDetector.isUpper($0) || $0 == UInt8(ascii: "'") })
            guard !run.isEmpty else { return }
            let head = Self.chunk(run, count: min(run.count, 4))
            wordHeads.insert(Self.headKey(head, length: run.count))
            guard run.count < 4, open, run.count == bytes.count else { return }
            if run.count == 3 { shortHeads.insert(Self.headKey(head, length: 3)) } else { headsFilter = false }
        }
        for word in exact.keys { addHead(word, open: false) }
        for prefix in open.keys { addHead(prefix, open: true) }
        for needle in substrings.keys where !inWords.contains(needle) {
            addHead(needle, open: !CompiledGuardRule.Needle(String(decoding: needle, as: UTF8.self)).endsWord)
        }
        for prefix in SecretDetector.startPrefixes { addHead(prefix, open: true) }
        var secretStarts = KeySet()
        for prefix in SecretDetector.startPrefixes { secretStarts.insert(Self.key2(UInt64(prefix[0]) | UInt64(prefix[1]) << 8)) }
        self.secretStarts = secretStarts
        self.sentenceRules = sentenceRules
        self.fieldRules = fieldRules
        var classes = Self.classes
        var singles = [Groups](repeating: Groups(), count: 256)
        for (needle, groups) in substrings {
            // A case-folded byte: both cases.
            let first = Set([needle[0], Self.folded[Int(needle[0])], SecretDetector.isLower(needle[0]) ? needle[0] - 32 : needle[0]])
            guard needle.count == 1 else {
                for b in first { classes[Int(b)] |= Self.needleClass }
                continue
            }
            // A lone letter to find inside words: no position is passed over for it.
            if inWords.contains(needle) { readsEverything = true }
            for b in first {
                classes[Int(b)] |= Self.singleClass
                singles[Int(b)].formUnion(groups)
            }
        }
        self.classes = classes
        self.singles = singles
        // A one-byte substring that is a word byte starts words of any beginning.
        if substrings.keys.contains(where: { $0.count == 1 && CompiledGuardRule.Matcher.isWordByte($0[0]) }) { headsFilter = false }
        self.heads = wordHeads
        self.shortHeads = shortHeads
        self.headsFilter = headsFilter
        needles = NeedleTable(substrings)
        var pairs = sb_scan_pairs()
        var pairBytes: Set<UInt8> = []
        for needle in inWords where needle.count >= 2 {
            let (a, b) = (needle[0] | 0x20, needle[1] | 0x20)
            pairBytes.formUnion([a, b])
            guard Int(pairs.count) < 8, pairBytes.count <= 16 else {
                readsEverything = true
                break
            }
            withUnsafeMutableBytes(of: &pairs.first) { $0[Int(pairs.count)] = a }
            withUnsafeMutableBytes(of: &pairs.second) { $0[Int(pairs.count)] = b }
            pairs.count += 1
        }
        anywhere = pairs
        self.readsEverything = readsEverything || !words.fits || !prefixes.fits
    }

    /// What one term of a group is: a word, a word's beginning, or a substring (which may start
    /// inside a word, or only where one starts).
    private enum Term {
        case word([UInt8])
        case prefix([UInt8])
        case substring([UInt8], anywhere: Bool)
    }

    /// The groups a rule cannot match without one term of each: per word matcher one word of
    /// each of its terms, per phrase group the same, per substring matcher its substrings, per
    /// sequence each part.
    /// A group of `commonWords` only ("from your, from any, from all") is left out when the
    /// rule has others: it is in nearly every sentence, so it tells little, and looking up
    /// "from" in every sentence would cost more than it saves. Fewer groups can only keep
    /// more texts for the full read, never clear one it flags.
    private static func groups(of rule: GuardRuleSet.Rule) -> [[Term]] {
        let groups = allGroups(of: rule)
        let telling = groups.filter { terms in
            !terms.allSatisfy { term in
                if case .word(let word) = term { return commonWords.contains(String(decoding: word, as: UTF8.self)) }
                return false
            }
        }
        return telling.isEmpty ? groups : telling
    }

    private static func allGroups(of rule: GuardRuleSet.Rule) -> [[Term]] {
        var groups: [[Term]] = []
        for matcher in rule.all ?? [] {
            if let words = matcher.words { groups.append(words.compactMap(keyWord)) }
            if let phrase = matcher.phrase { groups += phrase.map { $0.compactMap(keyWord) } }
            // As the full read matches them: a text term that starts with a letter or digit
            // only where a word starts.
            if let text = matcher.text {
                groups.append(text.map { term in
                    let needle = CompiledGuardRule.Needle(term.lowercased())
                    return .substring(needle.bytes, anywhere: !needle.startsWord)
                })
            }
            if let seq = matcher.seq { groups += seq.map { [.substring(Array($0.lowercased().utf8), anywhere: true)] } }
        }
        return groups
    }

    /// The word of a term the screen looks for. A term matches only where each of its words is
    /// a token of the sentence (the last one's beginning when it ends in `*`,
    /// `CompiledGuardRule.Term`), so any one of them is needed; the one least likely in
    /// ordinary text is taken: a word outside ASCII (which ASCII text never holds), else one
    /// that is not among `commonWords`, the longest. "tell the user" is looked for as "user",
    /// so that "the" is no word to look up.
    private static func keyWord(_ term: String) -> Term? {
        let open = term.hasSuffix("*")
        let parts = (open ? String(term.dropLast()) : term).lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'") }
        func rank(_ k: Int) -> (Int, Int) {
            let part = parts[k]
            return (part.utf8.contains { $0 >= 0x80 } ? 2 : commonWords.contains(String(part)) ? 0 : 1, part.utf8.count)
        }
        guard let best = parts.indices.max(by: { rank($0) < rank($1) }) else { return nil }
        let word = Array(parts[best].utf8)
        return open && best == parts.count - 1 ? .prefix(word) : .word(word)
    }

    /// The words of English prose met most often: a term's other words are looked for first.
    private static let commonWords: Set<String> = [
        "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "but", "by", "can",
        "could", "do", "does", "for", "from", "had", "has", "have", "he", "her", "here", "his", "i", "if", "in", "into", "is",
        "it", "it's", "its", "just", "may", "me", "more", "must", "my", "new", "no", "not", "now", "of", "on", "one", "only",
        "or", "other", "our", "out", "over", "she", "should", "so", "some", "than", "that", "the", "their", "them", "then",
        "there", "these", "they", "this", "those", "to", "up", "us", "was", "we", "were", "what", "when", "which", "who",
        "will", "with", "would", "you", "your",
    ]

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

    /// What the rules find in `text` (a string leaf of a result, decoded), at `path`.
    package func findings(in text: String, path: String) -> [GuardFinding] {
        var probe = text
        let clear = probe.withUTF8 { !mightMatch($0, raw: false) }
        guard !clear else { return [] }
        return scanner.scan(resultText: text, path: path, families: families)
    }

    // MARK: Bytes

    /// Byte classes: word bytes as `GuardSentence` splits words (ASCII letters, digits, the
    /// apostrophe); where personal data starts (a digit or capital starting a word, `@ + (`);
    /// a secret's first byte (`SecretDetector.startPrefixes`); and, set per rule set, a
    /// substring's first byte.
    static let wordClass: UInt8 = 1, piiClass: UInt8 = 2, secretClass: UInt8 = 4, singleClass: UInt8 = 8, needleClass: UInt8 = 16
    private static let classes: [UInt8] = (0..<256).map { value in
        let b = UInt8(value)
        let secret = SecretDetector.startPrefixes.contains { $0[0] == b } ? secretClass : 0
        if SecretDetector.isDigit(b) || SecretDetector.isUpper(b) { return wordClass | piiClass | secret }
        if SecretDetector.isLower(b) || b == UInt8(ascii: "'") { return wordClass | secret }
        if "@+(".utf8.contains(b) { return piiClass | secret }
        return secret
    }

    /// Each byte with ASCII capitals lowercased.
    static let folded: [UInt8] = (0..<256).map { SecretDetector.isUpper(UInt8($0)) ? UInt8($0) + 32 : UInt8($0) }
}
