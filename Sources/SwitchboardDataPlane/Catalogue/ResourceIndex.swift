package import SwitchboardCore
import Synchronization

/// Which server owns a resource URI or URI template, learned from the lists the gateway
/// relays, so `resources/read` and `resources/subscribe` reach the right server (spec digest
/// §3.1). A URI or template one server lists is shown as it is; one that several servers list
/// is shown, for each of them, as a gateway URI (`GatewayURI`: `switchboard://{server}/{uri}`),
/// never as itself, so every server's copy stays reachable and none silently takes another's
/// place when lists change. The plain form of a shared URI belongs to nobody.
package final class ResourceIndex: Sendable {
    /// What one server's copy of a shared URI or template is shown as (for `check`).
    package struct Mapping: Sendable, Equatable, CustomStringConvertible {
        package var kind: ListKind
        package var server: String
        package var identity: String
        package var shown: String
        package var others: [String]

        package var description: String {
            let what = kind == .resources ? "resource" : "resource template"
            return "\(what) \(shown) ← \(server): \(identity) (\(others.joined(separator: ", ")) \(others.count == 1 ? "lists" : "list") it too)"
        }
    }

    private struct State {
        /// Each server's URIs (resources) or templates, from its latest lists.
        var listed: [ListKind: [String: Set<String>]] = [:]
        /// URI or template → the servers that list it.
        var owners: [ListKind: [String: Set<String>]] = [:]
        /// Templates in discovery order: the first one matching a URI wins.
        var templates: [(template: String, server: String)] = []
        var populated = false
        /// Moves whenever what some server lists changes: merged pages made before are stale.
        var generation: UInt64 = 0

        func isShared(_ kind: ListKind, _ identity: String) -> Bool {
            (owners[kind]?[identity]?.count ?? 0) > 1
        }
    }

    private let state = Mutex(State())
    /// The configured servers: a gateway URI names one of them.
    private let servers: Set<String>

    package init(servers: Set<String> = []) {
        self.servers = servers
    }

    package var isPopulated: Bool { state.withLock { $0.populated } }

    package var generation: UInt64 { state.withLock { $0.generation } }

    /// One page of `server`'s `kind` (resources or templates); `first`: the listing begins,
    /// so what the server listed before is replaced.
    package func record(_ kind: ListKind, server: String, identities: [String], first: Bool) {
        state.withLock { s in
            s.populated = true
            let before = s.listed[kind]?[server] ?? []
            let now = first ? Set(identities) : before.union(identities)
            s.listed[kind, default: [:]][server] = now
            for gone in before.subtracting(now) {
                s.owners[kind]?[gone]?.remove(server)
                if s.owners[kind]?[gone]?.isEmpty == true { s.owners[kind]?[gone] = nil }
            }
            for identity in now.subtracting(before) { s.owners[kind, default: [:]][identity, default: []].insert(server) }
            if now != before { s.generation &+= 1 }
            if kind == .resourceTemplates {
                s.templates.removeAll { $0.server == server && !now.contains($0.template) }
                for template in identities where !s.templates.contains(where: { $0.template == template && $0.server == server }) {
                    s.templates.append((template, server))
                }
            }
        }
    }

    /// Forgets what one server owned (its list changed or it restarted).
    package func forget(server: String) {
        for kind in [ListKind.resources, .resourceTemplates] { record(kind, server: server, identities: [], first: true) }
    }

    /// What a client sees for `identity` of `server`.
    package func shown(_ kind: ListKind, server: String, identity: String) -> String {
        state.withLock { $0.isShared(kind, identity) } ? GatewayURI.make(server: server, uri: identity) : identity
    }

    /// The server a client's `uri` goes to, and the URI that server knows it by: a plain URI
    /// one server lists is that server's (even one that looks like a gateway URI); a gateway
    /// URI names both; else templates only one server lists.
    /// A gateway URI reaches only what its server lists (a URI, or one of its templates), so
    /// one server cannot list `switchboard://other/…` to send reads to another.
    package func owner(of uri: String) -> (server: String, uri: String)? {
        state.withLock { s in
            if let owners = s.owners[.resources]?[uri], let owner = owners.first {
                return owners.count == 1 ? (owner, uri) : nil
            }
            if let parsed = GatewayURI.parse(uri), servers.contains(parsed.server),
                s.listed[.resources]?[parsed.server]?.contains(parsed.uri) == true
                    || s.templates.contains(where: { $0.server == parsed.server && URITemplateMatcher.matches(template: $0.template, uri: parsed.uri) })
            {
                return parsed
            }
            return s.templates.first { !s.isShared(.resourceTemplates, $0.template) && URITemplateMatcher.matches(template: $0.template, uri: uri) }
                .map { ($0.server, uri) }
        }
    }

    /// Whether some server's lists hold `uri` as a URI several servers share.
    package func isShared(_ uri: String) -> Bool {
        state.withLock { $0.isShared(.resources, uri) }
    }

    /// Every shared URI and template, per server, in a stable order (for `check`).
    package var mappings: [Mapping] {
        state.withLock { s in
            var found: [Mapping] = []
            for kind in [ListKind.resources, .resourceTemplates] {
                for (identity, owners) in s.owners[kind] ?? [:] where owners.count > 1 {
                    for server in owners.sorted() {
                        found.append(Mapping(kind: kind, server: server, identity: identity, shown: GatewayURI.make(server: server, uri: identity), others: owners.subtracting([server]).sorted()))
                    }
                }
            }
            return found.sorted { ($0.kind.rawValue, $0.shown) < ($1.kind.rawValue, $1.shown) }
        }
    }
}

/// The address the gateway gives one server's copy of a URI or template several servers list:
/// `switchboard://{server}/` then the server's own URI as it is. A template stays a template
/// (its expressions are untouched), and what a client expands from it is read back by cutting
/// the prefix, whatever the URI holds.
package enum GatewayURI {
    package static let prefix = "switchboard://"

    package static func make(server: String, uri: String) -> String {
        prefix + server + "/" + uri
    }

    /// The server key and its own URI, when `uri` is a gateway URI.
    package static func parse(_ uri: String) -> (server: String, uri: String)? {
        guard uri.hasPrefix(prefix) else { return nil }
        let rest = uri.utf8.dropFirst(prefix.utf8.count)
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let server = String(decoding: rest[..<slash], as: UTF8.self)
        let own = String(decoding: rest[rest.index(after: slash)...], as: UTF8.self)
        guard !server.isEmpty, !own.isEmpty else { return nil }
        return (server, own)
    }
}

/// RFC 6570 matching, enough to route: literal parts must match exactly; `{var}` matches a
/// non-empty run without `/`, and the other operators (`{+var}`, `{/var}`, `{?…}`, `{#…}`…)
/// match any run.
package enum URITemplateMatcher {
    private enum Piece {
        case literal([UInt8])
        case variable(greedy: Bool)
    }

    package static func matches(template: String, uri: String) -> Bool {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var bytes = Array(template.utf8)[...]
        while let c = bytes.popFirst() {
            guard c == UInt8(ascii: "{") else {
                literal.append(c)
                continue
            }
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = []
            let op = bytes.first ?? 0
            while let e = bytes.popFirst(), e != UInt8(ascii: "}") {}
            pieces.append(.variable(greedy: Array("+#/?&;.".utf8).contains(op)))
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return match(pieces[...], Array(uri.utf8)[...])
    }

    private static func match(_ pieces: ArraySlice<Piece>, _ uri: ArraySlice<UInt8>) -> Bool {
        guard let first = pieces.first else { return uri.isEmpty }
        let rest = pieces.dropFirst()
        switch first {
        case .literal(let lit):
            guard uri.starts(with: lit) else { return false }
            return match(rest, uri.dropFirst(lit.count))
        case .variable(let greedy):
            // Try every split point; templates are short, so the backtracking stays small.
            var end = uri.startIndex
            while end < uri.endIndex {
                if !greedy && uri[end] == UInt8(ascii: "/") { break }
                end += 1
                if match(rest, uri[end...]) { return true }
            }
            return false
        }
    }
}
