import NIOCore
import SwitchboardCore
import SwitchboardGuards
import SwitchboardUpstream
import Synchronization

/// What waits for a 2026-07-28 client's retry after `input_required`, keyed by a random handle
/// that only travels sealed inside `requestState`: upstream calls a legacy server paused with
/// server-to-client requests (spec digest §4.2), and results the guards hold for the user's
/// release (`guards.results.injection: approve`). Bounded by the caller (`count`); whoever
/// holds a value also drops it when its state expires. A handle works once: a replayed state
/// is refused while it could still be opened.
final class HeldByHandle<Value: Sendable>: Sendable {
    private struct State {
        var held: [String: Value] = [:]
        /// Handles taken, until their state expires.
        var used: [String: NIODeadline] = [:]
    }

    private let state = Mutex(State())

    var count: Int { state.withLock { $0.held.count } }

    func hold(_ value: Value, handle: String) {
        state.withLock { $0.held[handle] = value }
    }

    /// The held value, once; `expires` is when its sealed state stops opening.
    func take(_ handle: String, expires: NIODeadline) -> Value? {
        state.withLock { s in
            let now = NIODeadline.now()
            if s.used.count > 1024 { s.used = s.used.filter { $0.value > now } }
            s.used[handle] = expires
            return s.held.removeValue(forKey: handle)
        }
    }

    /// Whether the handle was taken already (resumed, expired or cancelled).
    func wasUsed(_ handle: String) -> Bool {
        state.withLock { s in s.used[handle].map { $0 > .now() } ?? false }
    }
}

/// A paused upstream call and its server.
struct HeldCall: Sendable {
    var call: ForwardedCall
    var server: UpstreamServer
}

/// A result held for release, and what the caller is told if it is not released.
struct HeldResult: Sendable {
    var release: ByteBuffer
    var method: String
    var server: String
    var block: GuardBlock
    /// What was found, for `guards.flow` once the caller has seen it.
    var findings: [ResultScanner.Finding]
}
