import NIOCore
import NIOPosix
import Synchronization
import SwitchboardUpstream
import Testing

/// Records what a transport delivers, and whether it was delivered on the transport's loop.
final class TransportRecorder: UpstreamTransportDelegate {
    struct Message: Equatable, CustomStringConvertible {
        var text: String
        var origin: UpstreamInboundOrigin
        var description: String { "\(origin): \(text)" }
    }

    private struct State {
        var messages: [Message] = []
        var closed: [String] = []
        var offLoopCalls = 0
    }

    private let eventLoop: any EventLoop
    private let state = Mutex(State())

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    var messages: [Message] { state.withLock { $0.messages } }
    var closedErrors: [String] { state.withLock { $0.closed } }
    var offLoopCalls: Int { state.withLock { $0.offLoopCalls } }

    func upstreamTransport(received message: ByteBuffer, origin: UpstreamInboundOrigin) {
        let onLoop = eventLoop.inEventLoop
        state.withLock { state in
            state.messages.append(Message(text: String(buffer: message), origin: origin))
            if !onLoop { state.offLoopCalls += 1 }
        }
    }

    func upstreamTransportClosed(error: (any Error)?) {
        let onLoop = eventLoop.inEventLoop
        state.withLock { state in
            state.closed.append(error.map { "\($0)" } ?? "nil")
            if !onLoop { state.offLoopCalls += 1 }
        }
    }

    /// Waits until `count` messages arrived (bounded), then returns them all.
    func waitForMessages(_ count: Int, timeout: Duration = .seconds(5)) async throws -> [Message] {
        try await eventually(timeout: timeout) { self.messages.count >= count }
        return messages
    }
}

struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Polls `condition` every 10 ms until it holds, failing after `timeout`.
func eventually(
    timeout: Duration = .seconds(5),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: @Sendable () -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while !condition() {
        guard clock.now < deadline else {
            Issue.record("condition not met within \(timeout)", sourceLocation: sourceLocation)
            throw TimedOut(description: "condition not met within \(timeout)")
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Runs `body` with a two-thread event loop group (one loop for the transport, the test
/// server on either) that is shut down afterwards.
func withEventLoops<T>(_ body: (_ transportLoop: any EventLoop, _ group: any EventLoopGroup) async throws -> T) async throws -> T {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    do {
        let result = try await body(group.next(), group)
        try await group.shutdownGracefully()
        return result
    } catch {
        try? await group.shutdownGracefully()
        throw error
    }
}
