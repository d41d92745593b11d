import NIOCore
import NIOPosix
import Synchronization
import SwitchboardTesting
import SwitchboardUpstream

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
        try await eventually("\(count) messages", timeout: timeout) { self.messages.count >= count }
        return messages
    }
}
