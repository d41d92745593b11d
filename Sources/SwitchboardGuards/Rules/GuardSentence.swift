/// A stretch of text rules are matched in: a sentence (or line) of a field, or the whole field.
/// `tokens` are its words lowercased, split at anything but letters, digits and apostrophes,
/// so `read_file`, `read-file` and `read file` read alike (`words` holds the same as UTF-8,
/// which is what rules compare); `bytes` is the text lowercased for substring rules, with
/// `’` as `'`.
struct GuardSentence {
    var text: String
    var bytes: [UInt8]
    var tokens: [Substring]
    var words: [ArraySlice<UInt8>]

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
    static func split(_ text: String) -> [GuardSentence] {
        var out: [GuardSentence] = []
        var current = ""
        let characters = Array(text)
        func flush() {
            if current.contains(where: { !$0.isWhitespace }) { out.append(GuardSentence(current)) }
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
