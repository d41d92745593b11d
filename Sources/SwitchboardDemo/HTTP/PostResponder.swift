import NIOCore
import NIOHTTP1
import Synchronization

/// The answer to one POSTed request: plain `application/json`, unless the request emits a
/// notification before its response (a countdown with a progressToken), in which case the answer
/// becomes a `text/event-stream` carrying the notifications and then the response.
///
/// The request task calls `send` and the connection calls `finish` strictly one after the other,
/// so the lock only has to make the mode switch visible across tasks.
final class PostResponder: Sendable {
    private let outbound: HTTPOutbound
    private let keepAlive: Bool
    private let streaming = Mutex(false)

    init(outbound: HTTPOutbound, keepAlive: Bool) {
        self.outbound = outbound
        self.keepAlive = keepAlive
    }

    func send(_ notification: JSONValue) async {
        let startStream = streaming.withLock { streaming in
            defer { streaming = true }
            return !streaming
        }
        do {
            if startStream { try await outbound.write(HTTPResponses.eventStreamHead(keepAlive: keepAlive)) }
            try await outbound.write(HTTPResponses.event(notification))
        } catch {
            // The client went away. A disconnect is not a cancellation, so the request runs on.
        }
    }

    /// Ends the exchange with the response, or with an empty stream for a cancelled request,
    /// which gets no response at all.
    func finish(with response: JSONValue?) async throws {
        let isStreaming = streaming.withLock { $0 }
        switch (isStreaming, response) {
        case (true, let response?):
            try await outbound.write(contentsOf: [HTTPResponses.event(response), .end(nil)])
        case (true, nil):
            try await outbound.write(.end(nil))
        case (false, let response?):
            try await outbound.write(contentsOf: HTTPResponses.json(.ok, response, keepAlive: keepAlive))
        case (false, nil):
            try await outbound.write(contentsOf: [HTTPResponses.eventStreamHead(keepAlive: keepAlive), .end(nil)])
        }
    }
}
