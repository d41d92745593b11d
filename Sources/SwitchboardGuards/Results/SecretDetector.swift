import CSwitchboardScan

/// Credentials in text a tool returns, found by their published formats (the providers'
/// prefixes and lengths, after gitleaks' rule set) rather than by a generic "long random
/// string" rule, so commit hashes, UUIDs and base64 images are never taken for one. Each
/// match is a span to redact; placeholders (`AKIAXXXXXXXXXXXXXXXX`, `ghp_your_token_here`) are
/// not secrets. Works on UTF-8 bytes, no Foundation: it runs on results, per call.
enum SecretDetector {
    struct Match: Equatable {
        var rule: String
        var range: Range<Int>
    }

    /// A token format: a literal prefix, then `length` (a range) characters of `alphabet`.
    private struct Format: Sendable {
        var rule: String
        var prefixes: [[UInt8]]
        var alphabet: @Sendable (UInt8) -> Bool
        var length: ClosedRange<Int>
    }

    private static func alnum(_ b: UInt8) -> Bool { isDigit(b) || isUpper(b) || isLower(b) }
    private static func urlSafe(_ b: UInt8) -> Bool { alnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") }
    private static func base32(_ b: UInt8) -> Bool { isUpper(b) || (UInt8(ascii: "2")...UInt8(ascii: "7")).contains(b) }
    static func isDigit(_ b: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) }
    static func isUpper(_ b: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b) }
    static func isLower(_ b: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) }

    private static let formats: [Format] = [
        Format(rule: "aws-access-key-id", prefixes: ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"].map { Array($0.utf8) }, alphabet: base32, length: 16...16),
        Format(rule: "github-token", prefixes: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].map { Array($0.utf8) }, alphabet: alnum, length: 36...36),
        Format(rule: "github-pat", prefixes: [Array("github_pat_".utf8)], alphabet: { alnum($0) || $0 == UInt8(ascii: "_") }, length: 82...82),
        Format(rule: "gitlab-token", prefixes: [Array("glpat-".utf8)], alphabet: urlSafe, length: 20...20),
        Format(rule: "slack-token", prefixes: ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-"].map { Array($0.utf8) },
               alphabet: urlSafe, length: 10...250),
        Format(rule: "stripe-key", prefixes: ["sk_live_", "rk_live_", "sk_test_", "rk_test_", "sk_prod_"].map { Array($0.utf8) }, alphabet: alnum, length: 16...247),
        Format(rule: "anthropic-key", prefixes: ["sk-ant-api03-", "sk-ant-admin01-"].map { Array($0.utf8) }, alphabet: urlSafe, length: 80...120),
        Format(rule: "openai-key", prefixes: ["sk-proj-", "sk-svcacct-", "sk-admin-"].map { Array($0.utf8) }, alphabet: urlSafe, length: 40...200),
        Format(rule: "gcp-api-key", prefixes: [Array("AIza".utf8)], alphabet: urlSafe, length: 35...35),
        Format(rule: "npm-token", prefixes: [Array("npm_".utf8)], alphabet: alnum, length: 36...36),
        Format(rule: "pypi-token", prefixes: [Array("pypi-AgEIcHlwaS5vcmc".utf8)], alphabet: urlSafe, length: 50...200),
        Format(rule: "huggingface-token", prefixes: [Array("hf_".utf8)], alphabet: { isUpper($0) || isLower($0) }, length: 34...34),
    ]

    /// The first bytes of every secret (a format's prefix, a JWT's `eyJ`, `--` of a key block,
    /// `:/` or `:\\` of a URL, whose slashes raw JSON may escape).
    static let startPrefixes: [[UInt8]] = formats.flatMap(\.prefixes) + [jwtStart] + ["--", ":/", ":\\"].map { Array($0.utf8) }

    /// A bit per byte pair that starts a secret (`startPrefixes`), so every other position
    /// is passed over with one lookup.
    static let startPairs: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 1024)
        for prefix in startPrefixes {
            let pair = Int(prefix[0]) << 8 | Int(prefix[1])
            table[pair >> 6] |= 1 << UInt64(pair & 63)
        }
        return table
    }()

    /// Whether raw JSON may hold a secret: false only when `find` would find none. Only where
    /// one can start is looked at — where a run of letters and digits starts (a token starts a
    /// word), `:` of a URL's password, `-` of a key block — from `sb_scan_secret_starts`, not
    /// every byte pair; a `\u` escape, which may spell what comes before a token, sends the
    /// text to `find`.
    static func mayHold(rawJSON text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count >= 2 else { return false }
        let blocks = (text.count + 63) / 64
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: blocks) { starts in
            sb_scan_secret_starts(text.baseAddress, text.count, starts.baseAddress)
            return startPairs.withUnsafeBufferPointer { pairs in
                for k in 0..<blocks {
                    var bits = starts[k]
                    while bits != 0 {
                        let i = k << 6 | bits.trailingZeroBitCount
                        bits &= bits &- 1
                        guard i + 1 < text.count else { continue }
                        let pair = Int(text[i]) << 8 | Int(text[i + 1])
                        if pair == Int(UInt8(ascii: "\\")) << 8 | Int(UInt8(ascii: "u")) { return !find(in: text).isEmpty }
                        if pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0, match(at: i, in: text) != nil { return true }
                    }
                }
                return false
            }
        }
    }

    /// Every secret in `text`, in order, not overlapping.
    static func find(in text: [UInt8]) -> [Match] {
        text.withUnsafeBufferPointer { find(in: $0) }
    }

    static func find(in text: UnsafeBufferPointer<UInt8>) -> [Match] {
        var out: [Match] = []
        guard text.count >= 2 else { return out }
        var i = 0
        let last = text.count - 1
        startPairs.withUnsafeBufferPointer { pairs in
            while i < last {
                let pair = Int(text[i]) << 8 | Int(text[i + 1])
                guard pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else {
                    i += 1
                    continue
                }
                if let match = match(at: i, in: text) {
                    out.append(match)
                    i = match.range.upperBound
                } else {
                    i += 1
                }
            }
        }
        return out
    }

    /// The secret starting at `i`, if one does (the caller checked `startPairs`).
    static func match(at i: Int, in text: UnsafeBufferPointer<UInt8>) -> Match? {
        let byte = text[i]
        if byte == UInt8(ascii: ":") { return credentialsInURL(at: i, in: text) }
        if byte == UInt8(ascii: "-") { return privateKey(at: i, in: text) }
        // A token starts a word: not in the middle of a longer identifier.
        if i > 0, urlSafe(text[i - 1]), !afterEscape(i, in: text) { return nil }
        if byte == UInt8(ascii: "e") { return jwt(at: i, in: text) }
        for format in formats {
            for prefix in format.prefixes where prefix[0] == byte && prefix[1] == text[i + 1] && starts(text, at: i, with: prefix) {
                var j = i + prefix.count
                while j < text.count, format.alphabet(text[j]), j - i - prefix.count < format.length.upperBound { j += 1 }
                let body = UnsafeBufferPointer(rebasing: text[(i + prefix.count)..<j])
                guard format.length.contains(body.count), j == text.count || !urlSafe(text[j]) || format.length.lowerBound != format.length.upperBound else { continue }
                guard entropy(body) >= 3.0, !isPlaceholder(body) else { continue }
                return Match(rule: format.rule, range: i..<j)
            }
        }
        return nil
    }

    /// Whether `i` follows a JSON escape (`\n`, `\t`, `\u00a0`): in raw JSON the letter
    /// before a word may be an escape's, which is a word break once decoded.
    static func afterEscape(_ i: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        (i >= 2 && text[i - 2] == UInt8(ascii: "\\") && "nrtbf/".utf8.contains(text[i - 1]))
            || (i >= 6 && text[i - 6] == UInt8(ascii: "\\") && text[i - 5] == UInt8(ascii: "u"))
    }

    /// `-----BEGIN … PRIVATE KEY-----` through its END line, with a body of at least 64
    /// characters (a header quoted in documentation is not a key).
    private static func privateKey(at i: Int, in text: UnsafeBufferPointer<UInt8>) -> Match? {
        guard starts(text, at: i, with: Array("-----BEGIN ".utf8)), let headerEnd = find(Array("PRIVATE KEY-----".utf8), in: text, from: i, within: 40) else { return nil }
        let bodyStart = headerEnd
        guard let end = find(Array("-----END ".utf8), in: text, from: bodyStart, within: 20_000) else { return nil }
        guard end - bodyStart >= 64, let close = find(Array("-----".utf8), in: text, from: end + 9, within: 60) else { return nil }
        return Match(rule: "private-key", range: i..<close)
    }

    /// A JSON Web Token: three base64url parts, the first two decoding to JSON objects
    /// (`eyJ` is `{"`).
    private static func jwt(at i: Int, in text: UnsafeBufferPointer<UInt8>) -> Match? {
        guard starts(text, at: i, with: jwtStart) else { return nil }
        var j = i
        var dots = 0
        var partLength = 0
        while j < text.count, urlSafe(text[j]) || text[j] == UInt8(ascii: ".") {
            if text[j] == UInt8(ascii: ".") {
                guard partLength >= 10 else { return nil }
                dots += 1
                partLength = 0
                if dots == 1, !starts(text, at: j + 1, with: jwtStart) { return nil }
            } else {
                partLength += 1
            }
            j += 1
        }
        guard dots == 2, partLength >= 16 else { return nil }
        return Match(rule: "jwt", range: i..<j)
    }

    private static let jwtStart = Array("eyJ".utf8)

    /// `scheme://user:password@host`: the password is the secret. The slashes may come
    /// JSON-escaped (`:\/\/`), and a quote ends the URL (raw JSON: the string's end).
    private static func credentialsInURL(at i: Int, in text: UnsafeBufferPointer<UInt8>) -> Match? {
        let prefix = starts(text, at: i, with: schemeSeparator) ? 3 : starts(text, at: i, with: escapedSchemeSeparator) ? 5 : 0
        guard prefix > 0 else { return nil }
        func ends(_ b: UInt8) -> Bool {
            b <= 0x20 || b == UInt8(ascii: "@") || b == UInt8(ascii: "/") || b == UInt8(ascii: "\\") || b == UInt8(ascii: "\"")
        }
        var j = i + prefix
        let userStart = j
        while j < text.count, text[j] != UInt8(ascii: ":"), !ends(text[j]) { j += 1 }
        guard j < text.count, text[j] == UInt8(ascii: ":"), j > userStart else { return nil }
        let passwordStart = j + 1
        var k = passwordStart
        while k < text.count, !ends(text[k]) { k += 1 }
        guard k < text.count, text[k] == UInt8(ascii: "@"), k - passwordStart >= 3 else { return nil }
        let password = text[passwordStart..<k]
        guard !isPlaceholder(password), !(password.first == UInt8(ascii: "$") || password.first == UInt8(ascii: "<")) else { return nil }
        return Match(rule: "url-credentials", range: passwordStart..<k)
    }

    private static let schemeSeparator = Array("://".utf8)
    private static let escapedSchemeSeparator = Array(#":\/\/"#.utf8)

    /// `XXXX…`, `your_token_here`, `example`, repeated characters: documentation, not secrets.
    static func isPlaceholder(_ body: some Collection<UInt8>) -> Bool {
        let lower = String(decoding: body, as: UTF8.self).lowercased()
        for word in ["xxxx", "your", "example", "placeholder", "redacted", "changeme", "dummy", "sample", "fake", "test_key", "0000000", "aaaaaa", "here"] where lower.contains(word) {
            return true
        }
        return Set(body).count <= 3
    }

    /// Shannon entropy in bits per character.
    static func entropy(_ body: some Collection<UInt8>) -> Double {
        guard !body.isEmpty else { return 0 }
        var counts = [Int](repeating: 0, count: 256)
        for b in body { counts[Int(b)] += 1 }
        var h = 0.0
        let n = Double(body.count)
        for c in counts where c > 0 {
            let p = Double(c) / n
            h -= p * log2(p)
        }
        return h
    }

    private static func log2(_ x: Double) -> Double {
        // ln via the series-free identity on the exponent and mantissa (no Foundation here).
        var exponent = 0.0
        var m = x
        while m >= 2 { m /= 2; exponent += 1 }
        while m < 1 { m *= 2; exponent -= 1 }
        // log2(m) for m in [1, 2): atanh series, converges fast.
        let y = (m - 1) / (m + 1)
        var term = y
        var sum = 0.0
        var k = 1.0
        for _ in 0..<12 {
            sum += term / k
            term *= y * y
            k += 2
        }
        return exponent + 2 * sum / 0.6931471805599453
    }

    static func starts(_ text: [UInt8], at i: Int, with prefix: [UInt8]) -> Bool {
        text.withUnsafeBufferPointer { starts($0, at: i, with: prefix) }
    }

    static func starts(_ text: UnsafeBufferPointer<UInt8>, at i: Int, with prefix: [UInt8]) -> Bool {
        guard i >= 0, i + prefix.count <= text.count else { return false }
        for k in prefix.indices where text[i + k] != prefix[k] { return false }
        return true
    }

    /// The index just after `needle`'s first occurrence in `text[from..<from+within]`.
    private static func find(_ needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, from: Int, within: Int) -> Int? {
        let last = min(text.count - needle.count, from + within)
        guard from <= last else { return nil }
        for i in from...last where starts(text, at: i, with: needle) { return i + needle.count }
        return nil
    }
}
