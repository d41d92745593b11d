package import NIOCore
import Synchronization

extension StreamableHTTPUpstreamTransport {
    /// Streamable HTTP holds no connection of its own between requests: forgetting the
    /// session (and its GET stream) is all a restart needs.
    package func disconnect() -> EventLoopFuture<Void> {
        resetSession()
        return eventLoop.makeSucceededVoidFuture()
    }
}

extension SSEUpstreamTransport {
    /// Drops the event stream (if any) and returns to `.lost`, from which `connect()` opens a
    /// new one.
    package func disconnect() -> EventLoopFuture<Void> {
        let (phase, stream) = state.withLock { state -> (Phase, UpstreamHTTPStream?) in
            let previous = (state.phase, state.stream)
            if case .closed = state.phase { return previous }
            state.generation &+= 1
            state.phase = .lost
            state.stream = nil
            return previous
        }
        if case .connecting(let promise, let timeout) = phase {
            timeout?.cancel()
            promise.fail(UpstreamTransportError.notConnected)
        }
        stream?.cancel()
        return eventLoop.makeSucceededVoidFuture()
    }
}
