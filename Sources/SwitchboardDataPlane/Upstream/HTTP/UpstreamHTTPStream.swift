import NIOCore
import Synchronization

/// The handle of a long-lived response on a dedicated connection (an SSE GET stream).
package final class UpstreamHTTPStream: Sendable {
    private struct State {
        var channel: (any Channel)?
        var cancelled = false
    }

    private let state = Mutex(State())

    init() {}

    /// Closes the stream's connection, now or as soon as it is connected. The response
    /// delegate still receives `responseEnded`.
    package func cancel() {
        let channel = state.withLock { state -> (any Channel)? in
            state.cancelled = true
            defer { state.channel = nil }
            return state.channel
        }
        channel?.close(promise: nil)
    }

    /// Records the connection; false when the stream was cancelled while connecting.
    func attach(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard !state.cancelled else { return false }
            state.channel = channel
            return true
        }
    }
}
