import SwitchboardCore
import Synchronization

/// The live `NameBook` of one list (tools or prompts): made again whenever a server's names
/// change (`ListedNames.record` says so), never when a server only announces a change, so a
/// name does not flicker while lists are read again. Lookups are one lock and a dictionary
/// read: a call's name is resolved with no allocation beyond the book's own.
package final class ShownNames: Sendable {
    let kind: ListKind
    let listed = ListedNames()
    private let settings: [(server: String, settings: ServerNamesConfig)]
    private let budget: Int
    /// The book, how often it was made, and the `ListedNames` version it was made from.
    private let state = Mutex<(book: NameBook, generation: UInt64, version: UInt64)>((NameBook(), 0, 0))

    init(kind: ListKind, servers: [ServerConfig], budget: Int) {
        self.kind = kind
        self.settings = servers.map { ($0.name, $0.names) }
        self.budget = budget
    }

    /// One page of `server`'s list; the book is made again when its names changed. Two
    /// loops may record at once: a book is kept only if made from newer names than the one
    /// it replaces, so the last names recorded always end up in the book.
    func record(_ names: [String], server: String, first: Bool, complete: Bool) {
        guard listed.record(names, server: server, first: first, complete: complete) else { return }
        let known = listed.known()
        let book = NameBook(
            kind: kind,
            servers: settings.compactMap { entry in known.names[entry.server].map { NameBook.Listed(server: entry.server, settings: entry.settings, names: $0.sorted()) } },
            budget: budget
        )
        state.withLock { s in
            guard known.version > s.version else { return }
            s = (book, s.generation &+ 1, known.version)
        }
    }

    /// The book now.
    package var book: NameBook { state.withLock { $0.book } }

    /// Moves whenever the book is made again: merged pages cached before are stale.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// The name a client sees for `upstream` of `server`. A name not in the book yet (its
    /// list is being read) gets the default `{prefix}__{name}`.
    func shown(server: String, upstream: String) -> String {
        state.withLock { $0.book.shown(server: server, upstream: upstream) }
            ?? FederatedName.join(server: settings.first { $0.server == server }?.settings.shownPrefix(server: server) ?? server, name: upstream)
    }

    /// The server and own name behind `shown`, if a list showed it.
    func route(_ shown: String) -> NameBook.Route? {
        state.withLock { $0.book.route(shown) }
    }

    /// For a name no list showed (the server could not be listed, or a client kept a name
    /// from before a restart): `{prefix}__{name}` read back through the prefix and renames.
    func guessRoute(_ shown: String) -> NameBook.Route? {
        guard let (prefix, local) = FederatedName.split(shown),
            let entry = settings.first(where: { $0.settings.shownPrefix(server: $0.server) == prefix })
        else { return nil }
        let renames = kind == .prompts ? entry.settings.prompts : entry.settings.tools
        let upstream = renames.first { $0.value == local }?.key ?? local
        return NameBook.Route(server: entry.server, upstream: upstream)
    }

    /// Whether every server of `servers` has a complete listing known.
    func knowsAll(_ servers: [String]) -> Bool {
        servers.allSatisfy(listed.isComplete)
    }
}
