import Logging
import NIOCore
import NIOEmbedded
import NIOTLS
import Testing

@testable import SwitchboardDataPlane

/// The handler behind `NIOSSLServerHandler`: a handshake that never finishes is cut off at the
/// deadline; a finished one stops the clock and takes the handler out of the pipeline.
@Suite struct TLSHandshakeHandlerTests {
    func connectedChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(TLSHandshakeHandler(identity: nil, timeout: .seconds(10), logger: Logger(label: "test")))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        return channel
    }

    @Test func aSilentClientIsClosedAtTheDeadline() throws {
        let channel = try connectedChannel()
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func aFinishedHandshakeStopsTheClockAndLeavesThePipeline() throws {
        let channel = try connectedChannel()
        channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: "http/1.1"))
        #expect(throws: (any Error).self) { try channel.pipeline.syncOperations.handler(type: TLSHandshakeHandler.self) }
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        #expect(try channel.finish().isClean)
    }

    @Test func otherEventsAndReadsPassThrough() throws {
        let channel = try connectedChannel()
        channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.shutdownCompleted)
        try channel.writeInbound(ByteBuffer(string: "early"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "early"))
        // Still in the pipeline: the lookup throws once it has left.
        #expect(throws: Never.self) { try channel.pipeline.syncOperations.handler(type: TLSHandshakeHandler.self) }
        _ = try channel.finish()
    }
}
