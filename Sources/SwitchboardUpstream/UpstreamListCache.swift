import Synchronization
package import NIOCore
package import SwitchboardCore

/// The list pages a server returned, kept until the server says its list changed, for servers
/// that promise to say so (`listChanged: true` for that list), or until the `ttlMs` a
/// 2026-07-28 server gave the page runs out (spec digest §7.2: fresh while
/// `now < received + ttlMs`); any other server's lists are fetched every time, since they may
/// change unannounced. A `list_changed` or a restart clears them either way.
package final class UpstreamListCache: Sendable {
    private struct Key: Hashable {
        var list: ListKind
        var cursor: String?
    }

    private struct State {
        /// Each page, and when it goes stale (nil: when the server says so).
        var pages: [Key: (page: JSONView, staleAt: NIODeadline?)] = [:]
        /// Bumped by every invalidation, so a fetch that started before one is not stored.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    package init() {}

    /// The page while it is fresh at `now`.
    package func page(_ list: ListKind, cursor: String?, now: NIODeadline = .now()) -> JSONView? {
        state.withLock { s in
            let key = Key(list: list, cursor: cursor)
            guard let entry = s.pages[key] else { return nil }
            if let staleAt = entry.staleAt, now >= staleAt {
                s.pages[key] = nil
                return nil
            }
            return entry.page
        }
    }

    /// The generation to hand back to `store`, read before the fetch starts.
    package var generation: UInt64 { state.withLock { $0.generation } }

    /// `freshFor`: how long the page stays fresh (a server's `ttlMs`); nil until the server
    /// says its list changed.
    package func store(_ page: JSONView, for list: ListKind, cursor: String?, fetchedAt generation: UInt64, freshFor: TimeAmount? = nil, now: NIODeadline = .now()) {
        state.withLock { s in
            guard s.generation == generation else { return }
            s.pages[Key(list: list, cursor: cursor)] = (page, freshFor.map { now + $0 })
        }
    }

    /// A `list_changed` for one list (resources and templates share one notification).
    package func invalidate(_ lists: [ListKind]) {
        state.withLock { s in
            s.generation &+= 1
            s.pages = s.pages.filter { !lists.contains($0.key.list) }
        }
    }

    package func invalidateAll() {
        state.withLock { s in
            s.generation &+= 1
            s.pages.removeAll()
        }
    }
}

extension ListKind {
    /// The lists a `notifications/*/list_changed` method invalidates.
    package static func changed(by method: String) -> [ListKind] {
        switch method {
        case MCPMethod.toolsListChanged: [.tools]
        case MCPMethod.promptsListChanged: [.prompts]
        case MCPMethod.resourcesListChanged: [.resources, .resourceTemplates]
        default: []
        }
    }
}
