#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOEmbedded
import NIOTLS
import Synchronization
import SwitchboardCore
import Testing

@testable import SwitchboardOutbound

/// The gate between a new TLS connection and the HTTP client, on an `EmbeddedChannel`: what it
/// makes of a hang-up before the handshake, after it but before any answer (a TLS 1.3 server
/// refusing a missing client certificate), and after the first answer (nothing).
@Suite struct TLSHandshakeGateTests {
    /// Errors that reach the handler after the gate.
    final class Errors: ChannelInboundHandler, Sendable {
        typealias InboundIn = NIOAny
        let seen = Mutex<[any Error]>([])
        func errorCaught(context: ChannelHandlerContext, error: any Error) { seen.withLock { $0.append(error) } }
    }

    func make() throws -> (EmbeddedChannel, EventLoopFuture<Void>, Errors) {
        let channel = EmbeddedChannel()
        let promise = channel.eventLoop.makePromise(of: Void.self)
        let tls = try OutboundTLS.system(host: "mcp.example.com", environment: [:])
        let errors = Errors()
        try channel.pipeline.syncOperations.addHandler(
            TLSHandshakeGate(promise: promise, tls: tls, rejected: RejectedCertificate(), timeout: .seconds(10))
        )
        try channel.pipeline.syncOperations.addHandler(errors)
        return (channel, promise.futureResult, errors)
    }

    static let hangUpHint = "the server closed the TLS connection without answering (servers that require a client certificate do this"

    @Test func aHangUpDuringTheHandshakeFailsTheConnect() throws {
        let (channel, handshake, _) = try make()
        channel.pipeline.fireChannelInactive()
        let error = #expect(throws: OutboundError.self) { try handshake.wait() }
        #expect(error?.message.hasPrefix(Self.hangUpHint) == true, "\(String(describing: error))")
    }

    @Test func aResetBeforeTheFirstAnswerIsExplained() throws {
        let (channel, handshake, errors) = try make()
        channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: nil))
        try handshake.wait()
        channel.pipeline.fireErrorCaught(IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)"))
        let seen = errors.seen.withLock { $0 }
        #expect(seen.count == 1)
        #expect((seen.first as? OutboundError)?.message.hasPrefix(Self.hangUpHint) == true, "\(seen)")
    }

    @Test func aCloseBeforeTheFirstAnswerIsExplained() throws {
        let (channel, _, errors) = try make()
        channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: nil))
        channel.pipeline.fireChannelInactive()
        #expect((errors.seen.withLock { $0.first } as? OutboundError)?.message.hasPrefix(Self.hangUpHint) == true)
    }

    @Test func afterTheFirstAnswerErrorsPassUnchanged() throws {
        let (channel, _, errors) = try make()
        channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: nil))
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\n"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "HTTP/1.1 200 OK\r\n"))
        channel.pipeline.fireErrorCaught(IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)"))
        #expect(errors.seen.withLock { $0.first } is IOError, "the gate is gone")
        _ = try? channel.finish()
    }
}
