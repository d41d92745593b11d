import NIOCore
import NIOHTTP1
import Synchronization

/// The answer to one POSTed request: plain `application/json`, unless the request emits a
/// notification before its response (a countdown with a progressToken), in which case the answer
/// becomes a `text/event-stream` carrying the notifications and then the response.
///
/// `send` (the request's task) and `finish` (the connection's) can overlap: a cancelled
/// countdown's last progress may still be on its way when the connection ends the exchange.
/// Each one's decision and writes therefore run in call order, one after the other (a chain
/// of tasks): otherwise `finish` could see the stream begun and write its end before `send`
/// had written the stream's head, an end without a response, which NIO's HTTP server
/// refuses with a crash.
final class PostResponder: Sendable {
    private let outbound: HTTPOutbound
    private let keepAlive: Bool
    private let streaming = Mutex(false)
    /// `finish` ran: a notification after it has no exchange to go in.
    private let finished = Mutex(false)
    /// The last step queued; the next one starts after it.
    private let tail = Mutex<Task<Void, Never>?>(nil)

    init(outbound: HTTPOutbound, keepAlive: Bool) {
        self.outbound = outbound
        self.keepAlive = keepAlive
    }

    func send(_ notification: JSONValue) async {
        await inOrder { [self] in
            guard !finished.withLock({ $0 }) else { return }
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
    }

    /// Ends the exchange with the response, or with an empty stream for a cancelled request,
    /// which gets no response at all.
    func finish(with response: JSONValue?) async throws {
        let failure = Mutex<(any Error)?>(nil)
        await inOrder { [self] in
            finished.withLock { $0 = true }
            let isStreaming = streaming.withLock { $0 }
            do {
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
            } catch {
                failure.withLock { $0 = error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Runs `step` after every step queued before it, and waits for it.
    private func inOrder(_ step: @escaping @Sendable () async -> Void) async {
        let task = tail.withLock { last -> Task<Void, Never> in
            let previous = last
            let next = Task {
                await previous?.value
                await step()
            }
            last = next
            return next
        }
        await task.value
    }
}
