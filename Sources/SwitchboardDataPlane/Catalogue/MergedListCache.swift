package import SwitchboardUpstream
package import SwitchboardCore
import Synchronization
package import NIOCore

/// Merged list pages, reused while every server that contributed still serves the same
/// cached page. The key is the list and the gateway cursor; the stamp is each contributing
/// server's list-cache generation, so any `list_changed` or restart makes the entry stale.
/// Pages that needed a live fetch (a server that does not announce changes) are never kept.
package final class MergedListCache: Sendable {
    package struct Stamp: Equatable, Sendable {
        var generations: [String: UInt64]
    }

    private struct Key: Hashable {
        var list: ListKind
        var cursor: String?
    }

    private let entries = Mutex<[Key: (stamp: Stamp, page: ByteBuffer)]>([:])
    /// Enough for the first pages of every list of a busy gateway; a full cache is emptied.
    private static let maxEntries = 256

    package init() {}

    /// The targets' list-cache generations now (and the guards'). Read before a merge and again after it: when
    /// equal, no server's list changed in between, so the merge is as current as the caches.
    /// `guards`: the guards' generation, which moves when a tool is hidden or comes back.
    /// `names`: the shown names' (or URIs') generation, which moves when what clients see changes.
    package static func stamp(_ targets: [(UpstreamServer, String?)], guards: UInt64? = nil, names: UInt64? = nil) -> Stamp {
        var generations: [String: UInt64] = [:]
        for (server, _) in targets { generations[server.name] = server.listCache.generation }
        // Server names never start with a NUL: this key cannot be a server's.
        if let guards { generations["\u{0}guards"] = guards }
        if let names { generations["\u{0}names"] = names }
        return Stamp(generations: generations)
    }

    /// Whether every target has its page cached (servers that do not announce changes never do).
    package static func allCached(_ list: ListKind, targets: [(UpstreamServer, String?)]) -> Bool {
        targets.allSatisfy { server, cursor in server.listCache.page(list, cursor: cursor) != nil }
    }

    package func page(_ list: ListKind, cursor: String?, stamp: Stamp) -> ByteBuffer? {
        entries.withLock { e in
            guard let entry = e[Key(list: list, cursor: cursor)], entry.stamp == stamp else { return nil }
            return entry.page
        }
    }

    package func store(_ page: ByteBuffer, list: ListKind, cursor: String?, stamp: Stamp) {
        entries.withLock { e in
            if e.count >= Self.maxEntries { e.removeAll() }
            e[Key(list: list, cursor: cursor)] = (stamp, page)
        }
    }
}
