package import Foundation

/// The rules the definition scanner applies, as data: the built-in set ships inside the binary
/// (`guard-rules.json`, versioned), and an operator's file can replace, add or switch off rules
/// by id and replace the word lists of the checks written in code (`lexicon`).
package struct GuardRuleSet: Sendable {
    package var version: String
    package var rules: [Rule]
    package var lexicon: Lexicon

    /// One text rule: in each sentence (or whole field, `scope: field`) of the fields it
    /// applies to, every matcher of `all` must match and none of `none`.
    package struct Rule: Sendable, Codable {
        package var id: String
        package var family: GuardFamily?
        package var severity: GuardSeverity?
        /// What it catches, in a line (shown by `scan` with `--explain`).
        package var summary: String?
        /// The kinds of field it reads (`GuardField.Kind` raw values); all when absent.
        package var fields: [String]?
        /// `sentence` (the default) or `field`.
        package var scope: String?
        package var all: [Matcher]?
        package var none: [Matcher]?
        /// False switches a built-in rule off (in an operator's file).
        package var enabled: Bool?
    }

    /// What a rule looks for. Terms are lowercase words; `word*` matches words starting with
    /// `word`; `do not` matches the two words in a row.
    package struct Matcher: Sendable, Codable {
        /// Any of these terms.
        package var words: [String]?
        /// One term of each group, in order, at most `gap` words apart, the first within the
        /// first `start` words when given.
        package var phrase: [[String]]?
        package var gap: Int?
        package var start: Int?
        /// Any of these substrings of the lowercased text; one starting or ending with a letter
        /// or digit only where that end is not inside a word.
        package var text: [String]?
        /// These substrings in this order, each within `within` characters of the one before.
        package var seq: [String]?
        package var within: Int?
    }

    /// The word lists of the checks written in code.
    package struct Lexicon: Sendable, Codable {
        /// Words that make a mention of another server's tool steering (`W-other-tool`).
        package var steering: [String]
        /// Verbs that make a read-only annotation a contradiction (`A-read-only-destructive`).
        package var destructive: [String]
        /// Name prefixes reserved to the gateway and its clients (`N-reserved-prefix`).
        package var reservedPrefixes: [String]
        /// Vendors a description may not claim to be officially unless the server is theirs.
        package var vendors: [String]

        enum CodingKeys: String, CodingKey {
            case steering, destructive, vendors
            case reservedPrefixes = "reserved_prefixes"
        }
    }

    private struct File: Codable {
        var version: String?
        var rules: [Rule]?
        var lexicon: PartialLexicon?
    }

    private struct PartialLexicon: Codable {
        var steering: [String]?
        var destructive: [String]?
        var reservedPrefixes: [String]?
        var vendors: [String]?

        enum CodingKeys: String, CodingKey {
            case steering, destructive, vendors
            case reservedPrefixes = "reserved_prefixes"
        }
    }

    /// The rules built into this binary.
    package static let builtin: GuardRuleSet = {
        do {
            return try GuardRuleSet(json: Data(PackageResources.guard_rules_json))
        } catch {
            // The file is part of the source and tested; a broken one must not reach a release.
            preconditionFailure("the built-in guard rules do not load: \(error)")
        }
    }()

    /// A complete rule set (the built-in file's shape).
    package init(json: Data) throws(GuardRuleError) {
        let file = try Self.decode(json)
        guard let version = file.version, let rules = file.rules, let lexicon = file.lexicon,
            let steering = lexicon.steering, let destructive = lexicon.destructive, let reserved = lexicon.reservedPrefixes, let vendors = lexicon.vendors
        else { throw GuardRuleError("a rule set needs version, rules and a lexicon with steering, destructive, reserved_prefixes and vendors") }
        self.version = version
        self.rules = []
        self.lexicon = Lexicon(steering: steering, destructive: destructive, reservedPrefixes: reserved, vendors: vendors)
        for rule in rules { try add(rule) }
    }

    /// This set with an operator's file applied: rules with a known id replace it (or switch it
    /// off with `enabled: false`), new ids are added, lexicon lists given replace the built-in
    /// ones. The version becomes `BUILTIN+VERSION` (or `+local`).
    package func overridden(by json: Data) throws(GuardRuleError) -> GuardRuleSet {
        let file = try Self.decode(json)
        var out = self
        out.version = version + "+" + (file.version ?? "local")
        for rule in file.rules ?? [] {
            if rule.enabled == false {
                guard out.rules.contains(where: { $0.id == rule.id }) else { throw GuardRuleError("rule \(rule.id): there is no such rule to switch off") }
                out.rules.removeAll { $0.id == rule.id }
            } else {
                out.rules.removeAll { $0.id == rule.id }
                try out.add(rule)
            }
        }
        if let lexicon = file.lexicon {
            out.lexicon.steering = lexicon.steering ?? out.lexicon.steering
            out.lexicon.destructive = lexicon.destructive ?? out.lexicon.destructive
            out.lexicon.reservedPrefixes = lexicon.reservedPrefixes ?? out.lexicon.reservedPrefixes
            out.lexicon.vendors = lexicon.vendors ?? out.lexicon.vendors
        }
        return out
    }

    private mutating func add(_ rule: Rule) throws(GuardRuleError) {
        guard !rule.id.isEmpty else { throw GuardRuleError("a rule has an empty id") }
        guard !rules.contains(where: { $0.id == rule.id }) else { throw GuardRuleError("rule \(rule.id) is defined twice") }
        guard rule.family != nil else { throw GuardRuleError("rule \(rule.id) has no family (one of \(GuardFamily.allCases.map(\.rawValue).joined(separator: ", ")))") }
        guard rule.severity != nil else { throw GuardRuleError("rule \(rule.id) has no severity (warn or high)") }
        guard let all = rule.all, !all.isEmpty else { throw GuardRuleError("rule \(rule.id) has no matchers in all") }
        if let scope = rule.scope, scope != "sentence", scope != "field" { throw GuardRuleError("rule \(rule.id): scope is sentence or field, not \(scope)") }
        for kind in rule.fields ?? [] where GuardField.Kind(rawValue: kind) == nil {
            throw GuardRuleError("rule \(rule.id): unknown field kind \(kind) (one of \(GuardField.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        for matcher in all + (rule.none ?? []) {
            let kinds = [matcher.words != nil, matcher.phrase != nil, matcher.text != nil, matcher.seq != nil].filter { $0 }.count
            guard kinds == 1 else { throw GuardRuleError("rule \(rule.id): each matcher has exactly one of words, phrase, text, seq") }
            let terms = (matcher.words ?? []) + (matcher.phrase ?? []).flatMap { $0 } + (matcher.text ?? []) + (matcher.seq ?? [])
            guard !terms.isEmpty, !terms.contains(where: \.isEmpty), !(matcher.phrase ?? []).contains(where: \.isEmpty) else {
                throw GuardRuleError("rule \(rule.id): a matcher has an empty term")
            }
            for term in terms where term != term.lowercased() {
                throw GuardRuleError("rule \(rule.id): terms are lowercase (\(term))")
            }
        }
        rules.append(rule)
    }

    /// `rules[3].family`.
    private static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for key in keys {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += (out.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return out
    }

    private static func decode(_ json: Data) throws(GuardRuleError) -> File {
        do {
            return try JSONDecoder().decode(File.self, from: json)
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw GuardRuleError("\(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw GuardRuleError("not JSON: \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw GuardRuleError("\(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw GuardRuleError("\(Self.path(context.codingPath + [key])) is missing")
        } catch {
            throw GuardRuleError("\(error)")
        }
    }
}

/// A rule file that cannot be used, and why.
package struct GuardRuleError: Error, CustomStringConvertible, Equatable {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
