#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import SwitchboardCore
import SwitchboardTesting
import SwitchboardUpstream
import Testing

/// A server run as a child process: lines both ways, and a teardown that leaves nothing behind.
@Suite(.timeLimit(.minutes(1)))
struct StdioUpstreamTransportTests {
    @Test func linesGoBothWaysAndCloseEndsTheProcessGroup() async throws {
        try await withEventLoops { loop, _ in
            // `cat` echoes each line: what the gateway writes comes back as a message from the server.
            let transport = StdioUpstreamTransport(
                serverName: "echo", launch: StdioLaunch(command: "cat"), maxMessageBytes: 1024, eventLoop: loop, logger: Logger(label: "test"),
                gracePeriod: .milliseconds(200)
            )
            let recorder = TransportRecorder(eventLoop: loop)
            transport.setDelegate(recorder)
            try await transport.connect().get()
            let pid = try #require(transport.processID)
            try await transport.send(ByteBuffer(string: #"{"jsonrpc":"2.0","method":"ping"}"#), correlation: nil).get()
            let messages = try await recorder.waitForMessages(1)
            #expect(messages == [.init(text: #"{"jsonrpc":"2.0","method":"ping"}"#, origin: .sharedStream)])
            #expect(recorder.offLoopCalls == 0)

            try await transport.close().get()
            // The process (and its group) is gone once close completes: nothing to signal.
            #expect(kill(pid, 0) == -1 && errno == ESRCH)
        }
    }

    @Test func aCommandThatCannotStartFailsTheConnectWithItsReason() async throws {
        try await withEventLoops { loop, _ in
            let transport = StdioUpstreamTransport(
                serverName: "ghost", launch: StdioLaunch(command: "/nonexistent/server"), maxMessageBytes: 1024, eventLoop: loop,
                logger: Logger(label: "test")
            )
            transport.setDelegate(TransportRecorder(eventLoop: loop))
            await #expect(throws: UpstreamTransportError.self) { try await transport.connect().get() }
        }
    }
}
