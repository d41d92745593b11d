/// "did you mean" for unknown keys: a typo (`timeout` for `timeouts`) or another spelling of
/// the same words (`maxBodyBytes`, `max-body-bytes`) finds its key; anything further finds none,
/// because a wrong suggestion is worse than no suggestion.
enum KeySuggestion {
    static func closest(to key: String, among candidates: [String]) -> String? {
        let normalizedKey = normalized(key)
        if let sameWords = candidates.first(where: { normalized($0) == normalizedKey }) { return sameWords }

        let allowed = key.count <= 4 ? 1 : 2
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(Array(key.lowercased()), Array(candidate))
            if distance <= allowed, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    private static func normalized(_ key: String) -> String {
        key.lowercased().filter { $0 != "_" && $0 != "-" }
    }

    /// Levenshtein distance; keys are short, so the quadratic table is fine.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
