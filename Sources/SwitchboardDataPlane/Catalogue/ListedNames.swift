import Synchronization

/// The names each server listed last (of its tools, or of its prompts), kept whether the
/// guards are on or off. For tools: a call to a name its server does not list is answered by
/// the gateway as an unknown tool and never forwarded, so a caller cannot tell a tool hidden
/// from it from one that does not exist by the server's own answer; the other servers' names
/// are the context of the guards' cross-server checks. For both: the names clients see are
/// made from them (`ShownNames`).
final class ListedNames: Sendable {
    private struct State {
        /// Complete listings only.
        var listed: [String: Set<String>] = [:]
        /// Names gathered from the pages of a listing being read.
        var listing: [String: Set<String>] = [:]
        /// Moves whenever the names known of some server change.
        var version: UInt64 = 0

        func known(_ server: String) -> Set<String> {
            (listed[server] ?? []).union(listing[server] ?? [])
        }
    }
    private let state = Mutex(State())

    /// One page of `server`'s list. `first`: asked without a cursor (a listing begins);
    /// `complete`: the page has no `nextCursor` (the listing ends). True when the names known
    /// of the server (`known`) changed.
    @discardableResult
    func record(_ names: [String], server: String, first: Bool, complete: Bool) -> Bool {
        state.withLock { s in
            let before = s.known(server)
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
            let changed = s.known(server) != before
            if changed { s.version &+= 1 }
            return changed
        }
    }

    /// Every server's names, complete or still being gathered: what shown names are made of.
    /// A removed name stays until its server's next listing completes.
    /// `version` tells two snapshots apart: the larger one is the newer.
    func known() -> (names: [String: Set<String>], version: UInt64) {
        state.withLock { s in
            var all = s.listed
            for (server, names) in s.listing { all[server, default: []].formUnion(names) }
            return (all, s.version)
        }
    }

    /// Whether a complete listing of `server` is known.
    func isComplete(_ server: String) -> Bool {
        state.withLock { $0.listed[server] != nil }
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
