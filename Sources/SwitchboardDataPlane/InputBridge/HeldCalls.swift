import NIOCore
import SwitchboardCore
import SwitchboardUpstream
import Synchronization

/// Upstream calls of 2026-07-28 clients that a legacy server paused with server-to-client
/// requests (spec digest §4.2): the client got `input_required` and the call waits, bounded,
/// for its retry. Keyed by a random handle that only travels sealed inside `requestState`.
/// A handle works once: a replayed state is refused while it could still be opened.
final class HeldCalls: Sendable {
    struct Held: Sendable {
        var call: ForwardedCall
        var server: UpstreamServer
    }

    private struct State {
        var held: [String: Held] = [:]
        /// Handles taken, until their state expires.
        var used: [String: NIODeadline] = [:]
    }

    private let state = Mutex(State())

    var count: Int { state.withLock { $0.held.count } }

    func hold(_ held: Held, handle: String) {
        state.withLock { $0.held[handle] = held }
    }

    /// The held call, once; `expires` is when its sealed state stops opening.
    func take(_ handle: String, expires: NIODeadline) -> Held? {
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
