import Synchronization

/// What one client connection has negotiated, and the requests it has in flight.
/// Shared between the transport's read loop and the request tasks, so it sits behind a lock.
final class DemoSession: Sendable {
    private struct InFlight {
        var cancel: @Sendable () -> Void
        var cancelled = false
    }

    private struct State {
        var revision: ProtocolRevision = .latest
        var initialized = false
        var logLevel: LoggingLevel?
        var inFlight: [RequestID: InFlight] = [:]
    }

    private let state = Mutex(State())

    init() {}

    var revision: ProtocolRevision {
        state.withLock { $0.revision }
    }

    var isInitialized: Bool {
        state.withLock { $0.initialized }
    }

    /// The level set by `logging/setLevel`; `nil` until the client asks for log messages.
    var logLevel: LoggingLevel? {
        state.withLock { $0.logLevel }
    }

    func negotiate(_ revision: ProtocolRevision) {
        state.withLock { $0.revision = revision }
    }

    func markInitialized() {
        state.withLock { $0.initialized = true }
    }

    func setLogLevel(_ level: LoggingLevel) {
        state.withLock { $0.logLevel = level }
    }

    /// Registers a running request; `false` if a request with this id is already running.
    func begin(_ id: RequestID, cancel: @escaping @Sendable () -> Void) -> Bool {
        state.withLock { state in
            guard state.inFlight[id] == nil else { return false }
            state.inFlight[id] = InFlight(cancel: cancel)
            return true
        }
    }

    /// Unregisters a request; `true` if `notifications/cancelled` named it, so its response must be dropped.
    func end(_ id: RequestID) -> Bool {
        state.withLock { $0.inFlight.removeValue(forKey: id)?.cancelled ?? false }
    }

    /// Cancels a running request. Unknown ids are ignored: the request may already have finished.
    func cancel(_ id: RequestID) {
        let cancel: (@Sendable () -> Void)? = state.withLock { state in
            guard state.inFlight[id] != nil else { return nil }
            state.inFlight[id]?.cancelled = true
            return state.inFlight[id]?.cancel
        }
        cancel?()
    }

    func cancelAll() {
        let cancels = state.withLock { state in
            state.inFlight.keys.forEach { state.inFlight[$0]?.cancelled = true }
            return state.inFlight.values.map(\.cancel)
        }
        cancels.forEach { $0() }
    }
}
