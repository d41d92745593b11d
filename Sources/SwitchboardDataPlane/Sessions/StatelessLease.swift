import Synchronization

/// A 2026-07-28 request's hold on the gateway (spec digest §1.4): its admission slot and the
/// context it runs in, for as long as its answer (or listen stream) lasts. Ended once, by the
/// answer or by the client leaving, whichever comes first; leaving cancels the request.
package final class StatelessLease: Sendable {
    private struct State {
        var ended = false
        var whenEnded: [@Sendable () -> Void] = []
    }

    /// The request's context: what its `_meta` declared, and its call while it runs.
    let session: DownstreamSession
    private let registry: SessionRegistry
    private let state = Mutex(State())

    init(session: DownstreamSession, registry: SessionRegistry) {
        self.session = session
        self.registry = registry
    }

    /// Releases the slot; `cancel` also stops the request's call upstream (the client left).
    func end(cancel: Bool) {
        let observers = state.withLock { s -> [@Sendable () -> Void]? in
            guard !s.ended else { return nil }
            s.ended = true
            defer { s.whenEnded = [] }
            return s.whenEnded
        }
        guard let observers else { return }
        if cancel { session.close() }
        registry.statelessEnded()
        for body in observers { body() }
    }

    /// Runs `body` when the lease ends (at once if it has).
    func whenEnded(_ body: @escaping @Sendable () -> Void) {
        let now = state.withLock { s -> Bool in
            guard !s.ended else { return true }
            s.whenEnded.append(body)
            return false
        }
        if now { body() }
    }
}
