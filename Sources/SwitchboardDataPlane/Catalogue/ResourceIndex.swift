package import SwitchboardCore
import Synchronization

/// Which server owns a resource URI or URI template, learned from the lists the gateway
/// relays, so `resources/read` and `resources/subscribe` reach the right server without
/// rewriting URIs (spec digest §3.1).
package final class ResourceIndex: Sendable {
    private struct State {
        var uris: [String: String] = [:]
        /// In discovery order; the first matching template wins.
        var templates: [(template: String, server: String)] = []
        var populated = false
    }

    private let state = Mutex(State())

    package init() {}

    package var isPopulated: Bool { state.withLock { $0.populated } }

    /// URI → owner for URIs already claimed, to report collisions.
    package var claimedURIs: [String: String] { state.withLock { $0.uris } }

    package func record(kind: ListKind, owners: [(identity: String, server: String)]) {
        state.withLock { s in
            s.populated = true
            for (identity, server) in owners {
                switch kind {
                case .resources:
                    if s.uris[identity] == nil { s.uris[identity] = server }
                case .resourceTemplates:
                    if !s.templates.contains(where: { $0.template == identity }) { s.templates.append((identity, server)) }
                default:
                    break
                }
            }
        }
    }

    /// Forgets what one server owned (its list changed or it restarted).
    package func forget(server: String) {
        state.withLock { s in
            s.uris = s.uris.filter { $0.value != server }
            s.templates.removeAll { $0.server == server }
        }
    }

    package func owner(of uri: String) -> String? {
        state.withLock { s in
            if let server = s.uris[uri] { return server }
            return s.templates.first { URITemplateMatcher.matches(template: $0.template, uri: uri) }?.server
        }
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
