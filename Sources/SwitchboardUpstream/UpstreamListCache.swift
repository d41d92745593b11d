import Synchronization
package import SwitchboardCore

/// The list pages a server returned, kept until the server says its list changed. Only for
/// servers that promise to say so (`listChanged: true` for that list); another server's lists
/// are fetched every time, since they may change unannounced. A restart clears everything.
package final class UpstreamListCache: Sendable {
    private struct Key: Hashable {
        var list: ListKind
        var cursor: String?
    }

    private struct State {
        var pages: [Key: JSONView] = [:]
        /// Bumped by every invalidation, so a fetch that started before one is not stored.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    package init() {}

    package func page(_ list: ListKind, cursor: String?) -> JSONView? {
        state.withLock { $0.pages[Key(list: list, cursor: cursor)] }
    }

    /// The generation to hand back to `store`, read before the fetch starts.
    package var generation: UInt64 { state.withLock { $0.generation } }

    package func store(_ page: JSONView, for list: ListKind, cursor: String?, fetchedAt generation: UInt64) {
        state.withLock { s in
            guard s.generation == generation else { return }
            s.pages[Key(list: list, cursor: cursor)] = page
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
