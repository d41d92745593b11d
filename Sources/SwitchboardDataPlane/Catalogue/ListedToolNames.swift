import Synchronization

/// The tool names each server listed last, kept whether the guards are on or off: a call to a
/// name its server does not list is answered by the gateway as an unknown tool and never
/// forwarded, so a caller cannot tell a tool hidden from it from one that does not exist by
/// the server's own answer. The other servers' names are also the context of the guards'
/// cross-server checks.
final class ListedToolNames: Sendable {
    private struct State {
        /// Complete listings only.
        var listed: [String: Set<String>] = [:]
        /// Names gathered from the pages of a listing being read.
        var listing: [String: Set<String>] = [:]
    }
    private let state = Mutex(State())

    /// One page of `server`'s tools list. `first`: asked without a cursor (a listing begins);
    /// `complete`: the page has no `nextCursor` (the listing ends).
    func record(_ names: [String], server: String, first: Bool, complete: Bool) {
        state.withLock { s in
            if first && complete {
                s.listing[server] = nil
                s.listed[server] = Set(names)
            } else if first {
                s.listing[server] = Set(names)
            } else {
                // A later page. Two listings of one server may interleave (two calls to a
                // server not listed yet); the last page of the second then finds the gathered
                // names taken, and adds to what is known instead: a name is never lost, a
                // removed one is dropped at the next listing that runs alone.
                let gathered = (s.listing[server] ?? s.listed[server] ?? []).union(names)
                if complete {
                    s.listing[server] = nil
                    s.listed[server] = gathered
                } else {
                    s.listing[server] = gathered
                }
            }
        }
    }

    /// Whether `server` listed `tool`; nil when no complete listing of it is known yet.
    func lists(_ tool: String, server: String) -> Bool? {
        state.withLock { $0.listed[server]?.contains(tool) }
    }

    /// Every other server's names.
    func others(than server: String) -> [String: Set<String>] {
        state.withLock { $0.listed.filter { $0.key != server } }
    }

    /// The server announced a new tools list (or restarted): its names are learned again at
    /// its next listing, so a call to a tool it just added is not taken for an unknown one.
    func forget(server: String) {
        _ = state.withLock { $0.listed.removeValue(forKey: server) }
    }
}
