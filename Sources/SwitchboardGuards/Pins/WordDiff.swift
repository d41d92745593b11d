/// A word-level diff of two texts, as `git diff --word-diff=plain` writes it: unchanged words
/// as they are, removed ones as `[-…-]`, added ones as `{+…+}`. Words are runs between spaces
/// and JSON punctuation, so a changed sentence inside a description shows as the words that
/// changed, not as the whole one-line definition.
package enum WordDiff {
    /// Beyond this many words on either side the diff is not computed word by word (it would
    /// take quadratic memory): the whole texts are shown as removed and added.
    static let maximumWords = 4_000

    package static func diff(_ old: String, _ new: String) -> String {
        let a = words(old)
        let b = words(new)
        guard a.count <= maximumWords, b.count <= maximumWords else { return "[-" + old + "-]{+" + new + "+}" }
        // Longest common subsequence, by dynamic programming from the ends.
        let n = a.count
        let m = b.count
        var table = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var out = ""
        var removed = ""
        var added = ""
        func flush() {
            if !removed.isEmpty { out += "[-" + removed + "-]" }
            if !added.isEmpty { out += "{+" + added + "+}" }
            removed = ""
            added = ""
        }
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                flush()
                out += a[i]
                i += 1
                j += 1
            } else if j < m, i == n || table[i][j + 1] >= table[i + 1][j] {
                added += b[j]
                j += 1
            } else {
                removed += a[i]
                i += 1
            }
        }
        flush()
        return out
    }

    /// The text cut before and after spaces and JSON punctuation, keeping every character.
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for character in text {
            if character == " " || "{}[]:,\"".contains(character) {
                if !current.isEmpty { out.append(current) }
                out.append(String(character))
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
