import NIOCore
import Synchronization

/// The handle of a response whose connection may be closed to end it: a long-lived stream on a
/// dedicated connection (an SSE GET stream, a 2026-07-28 listen), or a 2026-07-28 POST on a
/// pooled connection, where closing the connection is how a request is cancelled (spec digest
/// §3.1).
package final class UpstreamHTTPStream: Sendable {
    private struct State {
        var channel: (any Channel)?
        var cancelled = false
        /// Set on the connection's loop when its exchange ended; the connection may then serve
        /// another request and must not be closed for this one.
        var ended = false
    }

    private let state = Mutex(State())

    init() {}

    /// Closes the stream's connection, now or as soon as it is connected. The response
    /// delegate still receives `responseEnded`.
    package func cancel() {
        let channel = state.withLock { state -> (any Channel)? in
            state.cancelled = true
            return state.ended ? nil : state.channel
        }
        guard let channel else { return }
        // `ended` changes only on the connection's loop, so checking it there again cannot
        // race with a pooled connection being handed to the next request.
        channel.eventLoop.execute {
            if self.state.withLock({ !$0.ended }) { channel.close(promise: nil) }
        }
    }

    /// Records the connection; false when the stream was cancelled while connecting.
    func attach(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard !state.cancelled else { return false }
            state.channel = channel
            return true
        }
    }

    /// The exchange ended (called on the connection's loop); a later `cancel` does nothing.
    func detach() {
        state.withLock { state in
            state.ended = true
            state.channel = nil
        }
    }
}
