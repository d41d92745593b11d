import Synchronization
import NIOCore
import SwitchboardPolicy

/// One HTTP+SSE client: its `GET /sse` stream, the token that its POSTs name, and the session
/// its `initialize` created. The stream comes first and the session later, on another
/// connection, so the two are joined here; the session lives exactly as long as the stream.
final class LegacySSEConnection: Sendable {
    enum Phase {
        /// The stream is open; the client has not sent `initialize` yet.
        case awaitingInitialize
        /// `initialize` is with the gateway (which may wait briefly for servers still starting).
        case initializing
        case ready(DownstreamSession)
        /// The stream closed; POSTs naming the token get 404.
        case closed
    }

    let token: String
    let stream: SSEDownstreamStream
    let responder: LegacySSEResponder
    /// The caller who opened the stream; the only one whose posts reach it.
    let owner: Principal
    let virtualServer: String?
    private let phase = Mutex(Phase.awaitingInitialize)

    init(token: String, stream: SSEDownstreamStream, owner: Principal, virtualServer: String?) {
        self.token = token
        self.stream = stream
        self.owner = owner
        self.virtualServer = virtualServer
        self.responder = LegacySSEResponder(stream: stream)
    }

    var currentPhase: Phase { phase.withLock { $0 } }

    /// Moves to `initializing` if nothing was initialized yet; false otherwise.
    func beginInitialize() -> Bool {
        phase.withLock { p in
            guard case .awaitingInitialize = p else { return false }
            p = .initializing
            return true
        }
    }

    /// `initialize` succeeded: false when the stream closed meanwhile (the caller then ends
    /// the session, which nobody can reach any more).
    func ready(_ session: DownstreamSession) -> Bool {
        phase.withLock { p in
            guard case .initializing = p else { return false }
            p = .ready(session)
            return true
        }
    }

    /// `initialize` failed: the client may try again on the same stream.
    func initializeFailed() {
        phase.withLock { p in
            if case .initializing = p { p = .awaitingInitialize }
        }
    }

    /// The stream closed; returns the session to end, if one was made.
    func close() -> DownstreamSession? {
        phase.withLock { p in
            defer { p = .closed }
            if case .ready(let session) = p { return session }
            return nil
        }
    }
}
