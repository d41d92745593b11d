import NIOCore
import SwitchboardCore
import SwitchboardPolicy
import Synchronization

/// Each caller's filtered list pages, kept while the merged page and the rules they were made
/// from are the ones in force: a large catalogue is filtered once per caller and change, not
/// once per `tools/list`. A hit is two identity checks — the rules object, and the merged
/// page's storage (the catalogue hands out its cached page itself until a list changes) —
/// so nothing stale is served: new rules or a new merge make a new entry.
final class CallerViewCache: Sendable {
    private struct Key: Hashable {
        var kind: String
        var cursor: String?
        /// Everything about the caller that policy may look at.
        var caller: String
        var virtualServer: String?
    }

    private struct Entry {
        /// Held, so neither is freed and its address reused while the entry lives.
        var rules: Governance.Rules
        var page: ByteBuffer
        var shown: ByteBuffer
    }

    /// Entries at most; all are dropped when full (they are remade on demand).
    static let capacity = 4096

    private let entries = Mutex<[Key: Entry]>([:])

    func page(
        _ page: ByteBuffer, kind: ListKind, cursor: String?, principal: Principal, virtualServer: String?, rules: Governance.Rules,
        make: () -> ByteBuffer
    ) -> ByteBuffer {
        let key = Key(kind: kind.arrayKey, cursor: cursor, caller: Self.callerKey(principal), virtualServer: virtualServer)
        if let hit = entries.withLock({ $0[key] }), hit.rules === rules, Self.same(hit.page, page) { return hit.shown }
        let shown = make()
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(rules: rules, page: page, shown: shown)
        }
        return shown
    }

    var count: Int { entries.withLock { $0.count } }

    private static func callerKey(_ principal: Principal) -> String {
        var key = principal.id + "|" + principal.roles.sorted().joined(separator: ",") + "|" + (principal.tenant ?? "")
        key += "|" + principal.scopes.sorted().joined(separator: ",")
        key += "|" + (principal.virtualServers.map { $0.sorted().joined(separator: ",") } ?? "*")
        return key
    }

    /// The same bytes in the same storage: the very page, not merely an equal one.
    private static func same(_ a: ByteBuffer, _ b: ByteBuffer) -> Bool {
        guard a.readableBytes == b.readableBytes else { return false }
        let first = a.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let second = b.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        return first == second
    }
}
