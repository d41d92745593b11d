/// A `GuardRuleSet.Rule` ready to match: terms split into words, kinds resolved.
struct CompiledGuardRule: Sendable {
    let id: String
    let family: GuardFamily
    let severity: GuardSeverity
    let fields: Set<GuardField.Kind>?
    let wholeField: Bool
    let all: [Matcher]
    let none: [Matcher]
    /// Per word matcher of `all`, the ids one of which must occur (`Matcher.firstWords`).
    let needs: [[Int32]]

    init(_ rule: GuardRuleSet.Rule, _ vocabulary: inout GuardVocabulary) {
        id = rule.id
        family = rule.family ?? .override
        severity = rule.severity ?? .high
        fields = rule.fields.map { Set($0.compactMap(GuardField.Kind.init(rawValue:))) }
        wholeField = rule.scope == "field"
        all = (rule.all ?? []).map { Matcher($0, &vocabulary) }
        none = (rule.none ?? []).map { Matcher($0, &vocabulary) }
        needs = all.compactMap(\.firstWords)
    }

    /// The token where the rule matched in `sentence` (for the excerpt), or nil.
    func match(_ sentence: GuardSentence) -> Int? {
        // Cheap first: each word matcher needs one of its first words in the sentence.
        for needed in needs where !sentence.containsAny(needed) { return nil }
        var at: Int?
        for matcher in all {
            guard let found = matcher.match(sentence) else { return nil }
            at = at ?? found
        }
        for matcher in none where matcher.match(sentence) != nil { return nil }
        return at ?? 0
    }

    /// A word term: one or more words in a row, the last matching as a prefix when it ended in
    /// `*`; as vocabulary numbers (`GuardVocabulary`).
    struct Term: Sendable {
        let words: [Int32]
        let prefix: Bool

        init(_ text: String, _ vocabulary: inout GuardVocabulary) {
            prefix = text.hasSuffix("*")
            let parts = (prefix ? String(text.dropLast()) : text).split { !($0.isLetter || $0.isNumber || $0 == "'") }.map { Array($0.utf8) }
            var ids: [Int32] = []
            for (k, part) in parts.enumerated() {
                ids.append(prefix && k == parts.count - 1 ? vocabulary.prefix(part) : vocabulary.word(part))
            }
            words = ids
        }

        /// How many words it covers from `i` of `s`, or nil.
        func match(_ s: GuardSentence, at i: Int) -> Int? {
            guard !words.isEmpty, i + words.count <= s.ids.count else { return nil }
            for k in words.indices {
                if prefix, k == words.count - 1 {
                    guard s.prefixes[i + k].contains(words[k]) else { return nil }
                } else {
                    guard s.ids[i + k] == words[k] else { return nil }
                }
            }
            return words.count
        }
    }

    enum Matcher: Sendable {
        case words([Term])
        case phrase([[Term]], gap: Int, start: Int?)
        case text([Needle])
        case sequence([[UInt8]], within: Int)

        init(_ m: GuardRuleSet.Matcher, _ vocabulary: inout GuardVocabulary) {
            if let words = m.words {
                self = .words(words.map { Term($0, &vocabulary) })
            } else if let phrase = m.phrase {
                self = .phrase(phrase.map { $0.map { Term($0, &vocabulary) } }, gap: m.gap ?? 3, start: m.start)
            } else if let text = m.text {
                self = .text(text.map(Needle.init))
            } else {
                self = .sequence((m.seq ?? []).map { Array($0.utf8) }, within: m.within ?? 160)
            }
        }

        /// The ids one of which must occur for it to match (the first words of its terms, of
        /// the first and last groups of a phrase); nil for substring matchers.
        var firstWords: [Int32]? {
            switch self {
            case .words(let terms): terms.compactMap(\.words.first)
            case .phrase(let groups, _, _): (groups.first ?? []).compactMap(\.words.first)
            case .text, .sequence: nil
            }
        }

        /// The token index where it matched (0 for substring matchers), or nil.
        func match(_ s: GuardSentence) -> Int? {
            switch self {
            case .words(let terms):
                for i in s.ids.indices where terms.contains(where: { $0.match(s, at: i) != nil }) { return i }
                return nil
            case .phrase(let groups, let gap, let start):
                let last = start.map { min($0, s.ids.count - 1) } ?? (s.ids.count - 1)
                guard last >= 0 else { return nil }
                for i in 0...last where Self.phrase(groups, 0, s, from: i, gap: gap) { return i }
                return nil
            case .text(let needles):
                for needle in needles where Self.contains(s.bytes, needle) { return 0 }
                return nil
            case .sequence(let parts, let within):
                return Self.sequence(parts, in: s.bytes, within: within) ? 0 : nil
            }
        }

        /// Group `g` matches at `i`, and the rest follow within `gap` words.
        private static func phrase(_ groups: [[Term]], _ g: Int, _ s: GuardSentence, from i: Int, gap: Int) -> Bool {
            for term in groups[g] {
                guard let length = term.match(s, at: i) else { continue }
                if g == groups.count - 1 { return true }
                let next = i + length
                for j in next...min(next + gap, s.ids.count) where j < s.ids.count {
                    if phrase(groups, g + 1, s, from: j, gap: gap) { return true }
                }
            }
            return false
        }

        /// `needle` in `text`, not starting or ending inside a word where the needle itself
        /// starts or ends with an ASCII letter or digit (`.env` is not `.envrc`); a needle
        /// ending in `*` may end inside one (`secret*` is in `list_secrets`). Scripts written
        /// without spaces (Chinese, Japanese) have no word ends to check.
        static func contains(_ text: [UInt8], _ needle: Needle) -> Bool {
            var from = 0
            while let at = find(needle.bytes, in: text, from: from, to: text.count) {
                let end = at + needle.bytes.count
                let startOK = !needle.startsWord || at == 0 || !isWordByte(text[at - 1])
                let endOK = !needle.endsWord || end == text.count || !isWordByte(text[end])
                if startOK && endOK { return true }
                from = at + 1
            }
            return false
        }

        static func isWordByte(_ b: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
        }

        /// Each part in order, each starting within `within` bytes of the end of the one before.
        private static func sequence(_ parts: [[UInt8]], in text: [UInt8], within: Int) -> Bool {
            guard let first = parts.first else { return false }
            var from = 0
            while let start = find(first, in: text, from: from, to: text.count) {
                var cursor = start + first.count
                var ok = true
                for part in parts.dropFirst() {
                    guard let found = find(part, in: text, from: cursor, to: min(text.count, cursor + within + part.count)) else {
                        ok = false
                        break
                    }
                    cursor = found + part.count
                }
                if ok { return true }
                from = start + 1
            }
            return false
        }

        /// Where `needle` starts in `text[from..<to]`, or nil.
        private static func find(_ needle: [UInt8], in text: [UInt8], from: Int, to: Int) -> Int? {
            guard let first = needle.first, to - from >= needle.count else { return nil }
            var i = from
            let last = to - needle.count
            while i <= last {
                if text[i] == first {
                    var k = 1
                    while k < needle.count, text[i + k] == needle[k] { k += 1 }
                    if k == needle.count { return i }
                }
                i += 1
            }
            return nil
        }
    }

    /// A substring term, as bytes, with its word-boundary checks decided once.
    struct Needle: Sendable {
        let bytes: [UInt8]
        let startsWord: Bool
        let endsWord: Bool

        init(_ text: String) {
            let open = text.hasSuffix("*") && text.count > 1
            bytes = Array((open ? String(text.dropLast()) : text).utf8)
            startsWord = bytes.first.map(Matcher.isWordByte) ?? false
            endsWord = !open && (bytes.last.map(Matcher.isWordByte) ?? false)
        }
    }
}
