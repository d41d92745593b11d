import Foundation
public import NIOCore
public import SwitchboardCore

/// Ranked search over tools' names, argument names and descriptions, for the search mode of
/// a virtual server (`search_tools`): local and deterministic, the same query over the same
/// catalogue always giving the same tools in the same order.
///
/// Words are cut at anything but letters and digits and at lowercase-to-uppercase steps
/// (`createIssue` → `create`, `issue`), and lowercased. A query word matches a word that equals
/// it, or (from 3 letters) that starts with it (`issue` finds `issues`), at 0.7 of an equal
/// one. A tool's score sums, over the query's words, the word's rarity (`ln(1 + N / (1 + df))`,
/// df the tools that have it) times where it matched: 3 in the name, 2 in an argument's name,
/// 1 in the description (several matches in one place count at most twice as much as one).
/// Ties go to the name, alphabetically.
public struct ToolSearch: Sendable {
    /// One tool as listed (its shown name) and where its words are.
    struct Tool: Sendable {
        var name: String
        var item: ByteBuffer
    }

    enum Field: Int, Sendable {
        case name = 0, argument, description
        var weight: Double { [3, 2, 1][rawValue] }
    }

    /// Word → (tool, field, count): each word's places, read once per query word.
    private let postings: [String: [(tool: Int, field: Field, count: Int)]]
    /// Every word, sorted, for the prefix matches.
    private let vocabulary: [String]
    let tools: [Tool]

    /// `tools`: the items of a merged `tools/list`, in catalogue order.
    public init(tools items: [JSONView]) {
        var tools: [Tool] = []
        var postings: [String: [(Int, Field, Int)]] = [:]
        for item in items {
            guard let name = item["name"]?.string else { continue }
            let index = tools.count
            tools.append(Tool(name: name, item: item.bytes))
            var counts: [String: [Int]] = [:]
            func add(_ text: String, _ field: Field) {
                for word in Self.words(text) { counts[word, default: [0, 0, 0]][field.rawValue] += 1 }
            }
            add(name, .name)
            if let title = item["title"]?.string { add(title, .name) }
            for (argument, _) in item["inputSchema"]?["properties"]?.members ?? [] { add(argument, .argument) }
            if let description = item["description"]?.string { add(description, .description) }
            for (word, perField) in counts {
                for field in [Field.name, .argument, .description] where perField[field.rawValue] > 0 {
                    postings[word, default: []].append((index, field, perField[field.rawValue]))
                }
            }
        }
        self.tools = tools
        self.postings = postings
        self.vocabulary = postings.keys.sorted()
    }

    /// The tools of a `tools/list` result.
    public init(listResult: JSONView) {
        self.init(tools: listResult["tools"]?.elements ?? [])
    }

    public var count: Int { tools.count }

    /// The best `limit` tools for `query` among those `visible` takes, best first, as listed.
    public func search(_ query: String, limit: Int, visible: (Int) -> Bool = { _ in true }) -> [(name: String, item: ByteBuffer)] {
        var scores = [Double](repeating: 0, count: tools.count)
        let total = Double(tools.count)
        // A query's first 32 distinct words count: each costs a lookup.
        for word in Set(Self.words(query)).sorted().prefix(32) {
            var perTool: [Int: Double] = [:]
            for (token, closeness) in matches(of: word) {
                for place in postings[token] ?? [] {
                    let saturated = 2 * Double(place.count) / Double(place.count + 1)
                    perTool[place.tool, default: 0] += closeness * place.field.weight * saturated
                }
            }
            let rarity = log(1 + total / Double(1 + perTool.count))
            for (tool, score) in perTool { scores[tool] += rarity * score }
        }
        let ranked = scores.indices.filter { scores[$0] > 0 }.sorted { a, b in
            scores[a] != scores[b] ? scores[a] > scores[b] : tools[a].name < tools[b].name
        }
        var found: [(String, ByteBuffer)] = []
        for index in ranked where found.count < limit && visible(index) {
            found.append((tools[index].name, tools[index].item))
        }
        return found
    }

    /// The tool at `index` (as `visible` is asked about it).
    public func item(at index: Int) -> (name: String, item: ByteBuffer) { (tools[index].name, tools[index].item) }

    /// Words equal to `word` (1) or, from 3 letters, starting with it (0.7).
    private func matches(of word: String) -> [(String, Double)] {
        var found: [(String, Double)] = postings[word] == nil ? [] : [(word, 1)]
        guard word.utf8.count >= 3 else { return found }
        // The words starting with `word` sit together in the sorted vocabulary.
        var low = 0, high = vocabulary.count
        while low < high {
            let mid = (low + high) / 2
            if vocabulary[mid] < word { low = mid + 1 } else { high = mid }
        }
        while low < vocabulary.count, vocabulary[low].hasPrefix(word) {
            if vocabulary[low] != word { found.append((vocabulary[low], 0.7)) }
            low += 1
        }
        return found
    }

    /// Lowercase words of letters and digits, cut where a lowercase letter meets an uppercase one.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var previousLower = false
        func flush() {
            if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            let upper = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            let lower = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            let digit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            if upper {
                if previousLower { flush() }
                current.append(byte + 32)
            } else if lower || digit || byte >= 0x80 {
                current.append(byte)
            } else {
                flush()
            }
            previousLower = lower || digit
        }
        flush()
        return words
    }
}
