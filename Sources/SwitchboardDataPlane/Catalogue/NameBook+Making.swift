public import SwitchboardCore

/// How the book is made. Every step depends only on the names and settings, never on the
/// order lists arrived in, so the same catalogue always gets the same names:
/// 1. the own name, or its rename (`names.tools` / `names.prompts`);
/// 2. the prefix (`names.alias` or the key) for `prefix: always`; for `on_collision` only
///    when another server shows the same name (or the name is one of the gateway's own tools,
///    `gatewayTools`), then for `none` when that is still so;
/// 3. characters outside `[A-Za-z0-9_-]` become `_`, and `x_` leads a name that does not
///    start with a letter;
/// 4. a name over the budget is cut and ends in `_` and a hash of the server and own name;
/// 5. names that still come out the same get that hash too, except one that needed no
///    change at all (a server's own valid name is never the one renamed).
extension NameBook {
    /// The gateway's own tools in a search-mode virtual server (`CallRouter+Search`).
    static let searchTool = "search_tools"
    static let callTool = "call_tool"
    /// Names no server's tool is shown bare under: they are the gateway's.
    static let gatewayTools: Set<String> = [searchTool, callTool]
    /// What a reason names as showing a gateway tool's name.
    static let gatewayShowing = "the gateway (its own tool)"

    public init(kind: ListKind, servers: [Listed], budget: Int) {
        var work: [Candidate] = []
        for server in servers {
            let renames = kind == .prompts ? server.settings.prompts : server.settings.tools
            var seen = Set<String>()
            for name in server.names where !name.isEmpty && seen.insert(name).inserted {
                work.append(Candidate(server: server.server, settings: server.settings, upstream: name, renamed: renames[name]))
            }
        }
        Self.prefixCollisions(&work, reserved: kind == .tools ? Self.gatewayTools : [])
        for i in work.indices { work[i].fit(budget: budget) }
        Self.separate(&work, budget: budget)
        for candidate in work {
            let route = Route(server: candidate.server, upstream: candidate.upstream)
            shownByServer[candidate.server, default: [:]][candidate.upstream] = candidate.shown
            routes[candidate.shown] = route
            // A name prefixed for a collision looks canonical, yet changes with other servers' lists.
            if candidate.shown != route.canonical || !candidate.reasons.isEmpty {
                mappings.append(Mapping(route: route, shown: candidate.shown, reasons: candidate.reasons))
            }
        }
        mappings.sort { $0.shown < $1.shown }
    }

    /// Step 2: bare names two servers show, or one that is `reserved`, are prefixed,
    /// `on_collision` servers' first.
    private static func prefixCollisions(_ work: inout [Candidate], reserved: Set<String>) {
        for pass in [NamePrefixMode.onCollision, .none] where work.contains(where: { $0.settings.prefix == pass }) {
            // A prefixed name may itself meet another bare one: a few rounds settle it.
            for _ in 0..<4 {
                var byName: [String: [Int]] = [:]
                for i in work.indices { byName[work[i].sanitized.name, default: []].append(i) }
                var changed = false
                for (name, indices) in byName where Set(indices.map { work[$0].server }).count > 1 || reserved.contains(name) {
                    for i in indices where !work[i].prefixed && work[i].settings.prefix == pass {
                        var others = Set(indices.map { work[$0].server }).subtracting([work[i].server]).sorted()
                        if reserved.contains(name) { others.append(gatewayShowing) }
                        work[i].prefixed = true
                        work[i].collidedWith = others
                        changed = true
                    }
                }
                if !changed { break }
            }
        }
    }

    /// Step 5: one name per tool. Rounds with longer hashes settle the (unlikely) case of a
    /// hashed name meeting another name; what still clashes after them (only names made to
    /// clash) is numbered in the order of server and own name, each number checked free.
    private static func separate(_ work: inout [Candidate], budget: Int) {
        for hashLength in [6, 10, 16] where hashLength <= budget - 2 {
            var byName: [String: [Int]] = [:]
            for i in work.indices { byName[work[i].shown, default: []].append(i) }
            let clashes = byName.values.filter { $0.count > 1 }
            if clashes.isEmpty { return }
            for indices in clashes {
                let untouched = indices.filter { work[$0].shown == work[$0].raw }
                let keeper = untouched.count == 1 ? untouched[0] : nil
                for i in indices where i != keeper {
                    work[i].hash(budget: budget, length: hashLength)
                    if work[i].reasons.last != .hashed { work[i].reasons.append(.hashed) }
                }
            }
        }
        var byName: [String: [Int]] = [:]
        for i in work.indices { byName[work[i].shown, default: []].append(i) }
        var taken = Set(byName.keys)
        for (_, indices) in byName.sorted(by: { $0.key < $1.key }) where indices.count > 1 {
            let ordered = indices.sorted { (work[$0].server, work[$0].upstream) < (work[$1].server, work[$1].upstream) }
            for i in ordered.dropFirst() {
                var number = 2
                var candidate: String
                repeat {
                    let suffix = "_" + String(number)
                    candidate = String(decoding: work[i].shown.utf8.prefix(budget - suffix.utf8.count), as: UTF8.self) + suffix
                    number += 1
                } while taken.contains(candidate)
                taken.insert(candidate)
                work[i].shown = candidate
            }
        }
    }
}

/// One name on its way through the steps.
private struct Candidate {
    let server: String
    let settings: ServerNamesConfig
    let upstream: String
    let renamed: String?
    /// Steps 1 and 2: the name before its characters are mapped; and step 3 done to it.
    private(set) var raw = ""
    private(set) var sanitized = (name: "", charset: false, led: false)
    var prefixed: Bool {
        didSet { name() }
    }
    var collidedWith: [String] = []
    var shown = ""
    var reasons: [NameReason] = []

    init(server: String, settings: ServerNamesConfig, upstream: String, renamed: String?) {
        self.server = server
        self.settings = settings
        self.upstream = upstream
        self.renamed = renamed
        prefixed = settings.prefix == .always
        name()
    }

    private mutating func name() {
        let local = renamed ?? upstream
        raw = prefixed ? FederatedName.join(server: settings.shownPrefix(server: server), name: local) : local
        sanitized = Self.sanitize(raw)
    }

    /// Steps 3 and 4, with the reasons of every step so far.
    mutating func fit(budget: Int) {
        if prefixed, let alias = settings.alias { reasons.append(.alias(alias)) }
        if renamed != nil { reasons.append(.renamed) }
        if !prefixed { reasons.append(collidedWith.isEmpty ? .unprefixed(settings.prefix) : .collidesWith(collidedWith)) }
        else if !collidedWith.isEmpty { reasons.append(.collidesWith(collidedWith)) }
        let mapped = sanitized
        if mapped.charset { reasons.append(.charset) }
        if mapped.led { reasons.append(.leadingLetter) }
        shown = mapped.name
        let length = shown.utf8.count
        if length > budget {
            hash(budget: budget, length: 6)
            reasons.append(.shortened(from: length, budget: budget))
        }
    }

    /// Cuts the name to leave room for `_` and `length` hex digits of a hash of the server's
    /// key and own name (FNV-1a: stable everywhere, not a secret), and adds them.
    mutating func hash(budget: Int, length: Int) {
        var cut = Array(sanitized.name.utf8.prefix(max(0, budget - length - 1)))
        while let last = cut.last, last == UInt8(ascii: "_") || last == UInt8(ascii: "-") { cut.removeLast() }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in server.utf8 + [0] + upstream.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        let digits = String(h, radix: 16)
        let hex = String(repeating: "0", count: 16 - digits.count) + digits
        shown = String(decoding: cut, as: UTF8.self) + "_" + hex.prefix(length)
    }

    /// `[A-Za-z0-9_-]`, each other character one `_`, and `x_` before a name that starts
    /// with no letter.
    static func sanitize(_ name: String) -> (name: String, charset: Bool, led: Bool) {
        // The usual name needs no change: no copy.
        if let first = name.utf8.first, NameCharset.isLetter(first), name.utf8.allSatisfy(NameCharset.allows) { return (name, false, false) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count + 2)
        var charset = false
        for scalar in name.unicodeScalars {
            if scalar.isASCII, NameCharset.allows(UInt8(scalar.value)) {
                bytes.append(UInt8(scalar.value))
            } else {
                bytes.append(UInt8(ascii: "_"))
                charset = true
            }
        }
        let led = !(bytes.first.map(NameCharset.isLetter) ?? false)
        if led { bytes.insert(contentsOf: [UInt8(ascii: "x"), UInt8(ascii: "_")], at: 0) }
        return (String(decoding: bytes, as: UTF8.self), charset, led)
    }
}
