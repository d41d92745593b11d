import Synchronization

/// One part of the runtime telling others it has started. A `ServiceGroup` starts its services
/// together, in order but without waiting for one to be up before the next: the front doors
/// wait on this so that no client request reaches a gateway whose servers are not yet starting.
final class StartSignal: Sendable {
    private struct State {
        var started = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func signal() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.started = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `signal` was called; at once if it was.
    func wait() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { s -> Bool in
                guard !s.started else { return true }
                s.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}
