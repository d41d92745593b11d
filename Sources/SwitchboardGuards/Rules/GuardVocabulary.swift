/// Every word the rules name, numbered, so a sentence's words are looked up once and rules
/// compare numbers: a sentence's token gets the number of the word it is (if any rule names
/// it) and the numbers of the prefixes (`instruct*`) it starts with, found by walking a trie
/// of the prefixes over its bytes. Matching a rule is then integer comparisons, whatever the
/// number of rules.
struct GuardVocabulary: Sendable {
    private var exact: [[UInt8]: Int32] = [:]
    /// The prefixes' trie: node 0 is the root; each node's children by byte, and the prefix id
    /// ending there (-1: none).
    private var children: [[UInt8: Int32]] = [[:]]
    private var ending: [Int32] = [-1]
    private var next: Int32 = 0

    /// The id of an exact word, adding it.
    mutating func word(_ bytes: [UInt8]) -> Int32 {
        if let id = exact[bytes] { return id }
        defer { next += 1 }
        exact[bytes] = next
        return next
    }

    /// The id of a prefix, adding it.
    mutating func prefix(_ bytes: [UInt8]) -> Int32 {
        var node = 0
        for byte in bytes {
            if let child = children[node][byte] {
                node = Int(child)
            } else {
                children.append([:])
                ending.append(-1)
                children[node][byte] = Int32(children.count - 1)
                node = children.count - 1
            }
        }
        if ending[node] >= 0 { return ending[node] }
        defer { next += 1 }
        ending[node] = next
        return next
    }

    /// How many ids there are (the size of a sentence's `present` set).
    var count: Int { Int(next) }

    /// The id of `token` as an exact word, or -1.
    func id(of token: ArraySlice<UInt8>) -> Int32 {
        exact[Array(token)] ?? -1
    }

    /// The ids of the prefixes `token` starts with.
    func prefixes(of token: ArraySlice<UInt8>) -> [Int32] {
        var out: [Int32] = []
        var node = 0
        if ending[0] >= 0 { out.append(ending[0]) }
        for byte in token {
            guard let child = children[node][byte] else { break }
            node = Int(child)
            if ending[node] >= 0 { out.append(ending[node]) }
        }
        return out
    }
}
