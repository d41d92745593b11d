import SwitchboardCore

/// The checks that judge a definition against the rest of the catalogue, written in code with
/// their word lists from the rule set's lexicon: a tool steering the use of another server's
/// tools (`W-other-server-tool`), names imitating other tools, the gateway's prefixes or a
/// vendor (`N-…`), and annotations that contradict the name (`A-read-only-destructive`).
struct CatalogueChecks {
    /// A name another server's text might mention: its words, and whether they are distinctive
    /// enough to count as a mention when bare (`send_email` is; `search` only as `` `search` ``
    /// or "the search tool").
    private struct Name {
        var server: String
        var name: String
        var words: [Substring]
        var distinctive: Bool
    }

    private let names: [Name]
    private let ownNames: [String: Set<String>]
    private let servers: [(key: String, words: [Substring])]
    private let steering: [CompiledGuardRule.Term]
    private let destructive: Set<Substring>
    private let reservedPrefixes: [String]
    private let vendors: [String]

    /// Words after a server's key that make it a mention of that server.
    private static let serverNouns: Set<Substring> = ["server", "servers", "tool", "tools", "mcp", "integration", "plugin", "connector", "api"]
    private static let toolNouns: Set<Substring> = ["tool", "tools", "function", "command"]
    /// Words that make a name a read (`get_reset_password_details`), whatever else it holds.
    private static let readVerbs: Set<Substring> = ["get", "list", "read", "show", "describe", "fetch", "view", "search", "find", "query", "check", "preview", "count", "inspect", "stat", "status", "lookup"]
    /// Destructive verbs that also describe read-only work (filtering a list, formatting text).
    private static let ambiguous: Set<Substring> = ["remove", "removes", "format", "formats", "reset", "resets", "kill", "kills", "drop", "drops"]

    /// `steering`: the lexicon's steering words, compiled with the scanner's vocabulary.
    init(_ catalogue: GuardCatalogue, lexicon: GuardRuleSet.Lexicon, steering: [CompiledGuardRule.Term]) {
        var names: [Name] = []
        var own: [String: Set<String>] = [:]
        for server in catalogue.servers {
            for definition in server.tools + server.prompts {
                guard let name = definition["name"]?.string, !name.isEmpty else { continue }
                own[server.name, default: []].insert(name.lowercased())
                let words = Self.words(name)
                names.append(Name(server: server.name, name: name, words: words,
                                  distinctive: words.count >= 2 || name.count >= 10 || name.contains(where: \.isNumber)))
            }
        }
        self.names = names
        ownNames = own
        servers = catalogue.servers.map { ($0.name, Self.words($0.name)) }
        self.steering = steering
        destructive = Set(lexicon.destructive.map { Substring($0) })
        reservedPrefixes = lexicon.reservedPrefixes.map { $0.lowercased() }
        vendors = lexicon.vendors.map { $0.lowercased() }
    }

    static func words(_ name: String) -> [Substring] {
        GuardSentence(ModelVisibleText.spaced(name)).tokens
    }

    // MARK: - Cross-server steering

    /// `W-other-server-tool` for each sentence naming another server's tool (or the server
    /// itself) with a steering word: "instead of", "before … is called", "deprecated".
    func crossServer(_ sentences: [GuardSentence], field: GuardField, path: String, server: String) -> [GuardFinding] {
        guard field.kind != .name, servers.count > 1 else { return [] }
        let mine = ownNames[server] ?? []
        for sentence in sentences {
            guard steers(sentence) else { continue }
            if let mention = mention(in: sentence, from: server, mine: mine) {
                return [GuardFinding(rule: "W-other-server-tool", family: .crossServer, severity: .high, path: path,
                                     excerpt: GuardExcerpt.make(sentence.text, around: sentence.characterOffset(ofToken: mention.token)) + " (names \(mention.what))")]
            }
        }
        return []
    }

    private func steers(_ sentence: GuardSentence) -> Bool {
        for i in sentence.ids.indices where steering.contains(where: { $0.match(sentence, at: i) != nil }) { return true }
        return false
    }

    private func mention(in sentence: GuardSentence, from server: String, mine: Set<String>) -> (token: Int, what: String)? {
        let tokens = sentence.tokens
        for name in names where name.server != server && !mine.contains(name.name.lowercased()) {
            guard let at = Self.find(name.words, in: tokens) else { continue }
            let next = at + name.words.count < tokens.count ? tokens[at + name.words.count] : nil
            let quoted = ["`", "'", "\""].contains { CompiledGuardRule.Matcher.contains(sentence.bytes, .init($0 + name.name.lowercased() + $0)) }
            if name.distinctive || quoted || next.map(Self.toolNouns.contains) == true {
                return (at, "\(name.server)'s \(name.name)")
            }
        }
        for (key, words) in servers where key != server && !words.isEmpty {
            if let at = Self.find(words, in: tokens) {
                let next = at + words.count < tokens.count ? tokens[at + words.count] : nil
                if next.map(Self.serverNouns.contains) == true { return (at, "server \(key)") }
            }
            let possessive = Substring(words.joined(separator: " ") + "'s")
            if let at = tokens.firstIndex(of: possessive) { return (at, "server \(key)") }
        }
        return nil
    }

    private static func find(_ words: [Substring], in tokens: [Substring]) -> Int? {
        guard !words.isEmpty, words.count <= tokens.count else { return nil }
        for i in 0...(tokens.count - words.count) where tokens[i] == words[0] {
            if (1..<words.count).allSatisfy({ tokens[i + $0] == words[$0] }) { return i }
        }
        return nil
    }

    // MARK: - Names

    /// The `N-…` findings for a tool named `name` on `server`.
    func name(_ name: String, of server: String) -> [GuardFinding] {
        var out: [GuardFinding] = []
        func add(_ rule: String, _ severity: GuardSeverity, _ why: String) {
            out.append(GuardFinding(rule: rule, family: .names, severity: severity, path: "name", excerpt: GuardExcerpt.make(name) + " (\(why))"))
        }
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)) }
        if !allowed {
            if name.unicodeScalars.contains(where: { !$0.isASCII }) {
                add("N-name-characters", .high, "characters outside A-Z a-z 0-9 _ . -, not ASCII")
            } else if name.contains(":") || name.contains("/") {
                // `github: create issue`, `github/create_issue`: a vendor's or a server's prefix
                // imitated where clients show one.
                add("N-name-characters", .high, "a : or / in the name, the form of another prefix")
            } else {
                add("N-name-characters", .warn, "characters outside A-Z a-z 0-9 _ . -")
            }
        }
        if name.isEmpty || name.count > 128 { add("N-name-length", .warn, "\(name.count) characters; names are 1 to 128") }
        if name.contains("__") { add("N-separator", .high, "contains __, the separator of the gateway's server prefix") }
        let lower = name.lowercased()
        for prefix in reservedPrefixes where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            if rest.isEmpty || "_.-".contains(rest.first!) || prefix.hasSuffix("_") {
                add("N-reserved-prefix", .high, "starts with \(prefix), reserved to the gateway and its clients")
                break
            }
        }
        for (key, _) in servers where key != server && key.count >= 4 && !server.lowercased().hasPrefix(key.lowercased()) {
            let k = key.lowercased()
            if lower.hasPrefix(k), let next = lower.dropFirst(k.count).first, "_.-".contains(next) {
                add("N-other-server-prefix", .high, "starts with \(key), another server's name")
                break
            }
        }
        // The imitation is the name that is not plain (a look-alike letter, an invisible one,
        // 0 for o): the plain one it imitates is not flagged for being imitated.
        let plain = Confusables.key(name) == lower
        for other in names where !plain && other.name != name && other.name.lowercased() != lower && Confusables.spoofs(name, other.name) {
            add("N-look-alike", .high, "looks like \(other.server)'s \(other.name)")
            break
        }
        return out
    }

    /// `N-vendor-claim` when a title or description says it is a vendor's own, or another
    /// server's ("GitHub: …", "official Slack integration"), and neither the server's name nor
    /// the tool's name is that vendor's.
    func vendorClaim(_ fields: [GuardField], name: String, server: String) -> [GuardFinding] {
        let owner = (server + " " + name).lowercased()
        let claimable = (vendors + servers.map { $0.key.lowercased() }.filter { $0.count >= 4 && $0 != server.lowercased() }).filter { !owner.contains($0) }
        guard !claimable.isEmpty else { return [] }
        for field in fields where field.kind == .name || field.kind == .title || field.kind == .description || (field.kind == .annotation && field.path == "annotations.title") {
            let lower = Array(field.text.lowercased().utf8)
            for vendor in claimable {
                let v = Array(vendor.utf8)
                let claims = Self.starts(lower, with: v + Array(":".utf8)) || Self.starts(lower, with: v + Array(" -".utf8))
                    || Self.starts(lower, with: Array("[".utf8) + v + Array("]".utf8))
                    || CompiledGuardRule.Matcher.contains(lower, .init("official " + vendor)) || CompiledGuardRule.Matcher.contains(lower, .init(vendor + "'s official"))
                if claims {
                    return [GuardFinding(rule: "N-vendor-claim", family: .names, severity: .high, path: field.path,
                                         excerpt: GuardExcerpt.make(field.text) + " (claims to be \(vendor)'s)")]
                }
            }
        }
        return []
    }

    private static func starts(_ text: [UInt8], with prefix: [UInt8]) -> Bool {
        text.count >= prefix.count && text[0..<prefix.count].elementsEqual(prefix)
    }

    // MARK: - Annotations

    /// `A-read-only-destructive`: `readOnlyHint: true` or `destructiveHint: false` on a tool
    /// whose name says it deletes, drops or overwrites (high), or whose description starts so
    /// (warn). Clients trust these hints to skip confirmation.
    func annotations(of tool: JSONView, name: String, fields: [GuardField]) -> [GuardFinding] {
        guard let annotations = tool["annotations"] else { return [] }
        let claim: String
        if annotations["readOnlyHint"]?.bool == true {
            claim = "readOnlyHint: true"
        } else if annotations["destructiveHint"]?.bool == false {
            claim = "destructiveHint: false"
        } else {
            return []
        }
        let nameWords = Self.words(name)
        if !nameWords.contains(where: Self.readVerbs.contains), let word = nameWords.first(where: destructive.contains) {
            return [GuardFinding(rule: "A-read-only-destructive", family: .annotations, severity: .high, path: "annotations",
                                 excerpt: "\(claim) on \(GuardExcerpt.make(name)) (\(word))")]
        }
        // The description's first sentence, to its first full stop or line break.
        if let description = fields.first(where: { $0.kind == .description }) {
            let first = String(description.text.prefix { $0 != "." && $0 != "\n" })
            if let verb = GuardSentence(first).tokens.first, destructive.contains(verb) {
                // "Deletes a branch" cannot be read-only; "Removes duplicates from the list" can.
                let severity: GuardSeverity = Self.ambiguous.contains(verb) ? .warn : .high
                return [GuardFinding(rule: "A-read-only-destructive", family: .annotations, severity: severity, path: "annotations",
                                     excerpt: "\(claim); the description starts \(GuardExcerpt.make(first))")]
            }
        }
        return []
    }
}
