/// A stretch of text rules are matched in: a sentence (or line) of a field, or the whole field.
/// `tokens` are its words lowercased, split at anything but letters, digits and apostrophes,
/// so `read_file`, `read-file` and `read file` read alike (`words` holds the same as UTF-8,
/// which is what rules compare); `bytes` is the text lowercased for substring rules, with
/// `’` as `'`.
///
/// A class: one sentence is handed to every rule, and a reference costs one retain where a
/// struct of six arrays costs six.
final class GuardSentence {
    let text: String
    let bytes: [UInt8]
    let tokens: [Substring]
    let words: [ArraySlice<UInt8>]
    /// Each word's number in the rules' vocabulary (-1: no rule names it), and the numbers of
    /// the prefixes it starts with (`GuardVocabulary`).
    private(set) var ids: [Int32] = []
    private(set) var prefixes: [[Int32]] = []
    /// Every id that occurs, as a bit set: a rule whose words cannot all be here is skipped
    /// without matching (most rules, for most sentences).
    private(set) var present: [UInt64] = []

    convenience init(_ text: String, vocabulary: GuardVocabulary) {
        self.init(text)
        ids = words.map(vocabulary.id(of:))
        prefixes = words.map(vocabulary.prefixes(of:))
        present = [UInt64](repeating: 0, count: (vocabulary.count + 63) / 64)
        for id in ids where id >= 0 { present[Int(id) >> 6] |= 1 << UInt64(id & 63) }
        for list in prefixes {
            for id in list { present[Int(id) >> 6] |= 1 << UInt64(id & 63) }
        }
    }

    /// Whether any of `ids` occurs.
    func containsAny(_ ids: [Int32]) -> Bool {
        present.withUnsafeBufferPointer { bits in
            ids.withUnsafeBufferPointer { ids in
                for id in ids {
                    let word = Int(id) >> 6
                    if word < bits.count, bits[word] & (1 << UInt64(id & 63)) != 0 { return true }
                }
                return false
            }
        }
    }

    init(_ text: String) {
        self.text = text
        var lower = text.lowercased()
        if lower.contains("’") { lower = String(lower.map { $0 == "’" ? "'" : $0 }) }
        bytes = Array(lower.utf8)
        // Everything but letters, digits and apostrophes becomes a space, once, so words split
        // on bytes (an em dash or a no-break space between words splits them too).
        let spaced = String(lower.map { $0.isLetter || $0.isNumber || $0 == "'" ? $0 : " " })
        tokens = spaced.split(separator: " ")
        let utf8 = Array(spaced.utf8)
        words = utf8.split(separator: UInt8(ascii: " "))
    }

    /// `text` cut into sentences: after `.`, `!`, `?` followed by a space (so `~/.ssh/id_rsa`
    /// and `v1.2` stay whole), after `。！？`, and at line breaks that end something: a blank
    /// line, a line ending in punctuation, a line before a list item. A line wrapped in the
    /// middle of a sentence is read on as one sentence.
    static func split(_ text: String, vocabulary: GuardVocabulary) -> [GuardSentence] {
        var out: [GuardSentence] = []
        var current = ""
        let characters = Array(text)
        func flush() {
            if current.contains(where: { !$0.isWhitespace }) { out.append(GuardSentence(current, vocabulary: vocabulary)) }
            current = ""
        }
        for (i, character) in characters.enumerated() {
            let previous = i > 0 ? characters[i - 1] : nil
            if character == "\n" {
                let last = current.last { !$0.isWhitespace }
                if last == nil || ".!?:;".contains(last!) || Self.startsItem(characters, at: i + 1) || (i + 1 < characters.count && characters[i + 1] == "\n") {
                    flush()
                } else {
                    current.append(" ")
                }
            } else if (previous == "." || previous == "!" || previous == "?") && character == " " {
                flush()
            } else {
                current.append(character)
                if character == "。" || character == "！" || character == "？" { flush() }
            }
        }
        flush()
        return out
    }

    /// Whether the line starting at `i` is a list item, a heading or a tag line.
    private static func startsItem(_ characters: [Character], at i: Int) -> Bool {
        var j = i
        while j < characters.count, characters[j] == " " || characters[j] == "\t" { j += 1 }
        guard j < characters.count else { return true }
        let c = characters[j]
        if "-*•#<>|[".contains(c) { return true }
        if c.isNumber {
            var k = j
            while k < characters.count, characters[k].isNumber { k += 1 }
            return k < characters.count && (characters[k] == "." || characters[k] == ")")
        }
        return c.isUppercase && j > i
    }

    /// The token's offset in characters into `text`, for centring an excerpt.
    func characterOffset(ofToken index: Int) -> Int {
        guard index < words.count else { return 0 }
        return String(decoding: bytes[0..<min(words[index].startIndex, bytes.count)], as: UTF8.self).count
    }
}
