import Foundation
import NIOCore
import NIOSSL
import NIOTLS
import Synchronization
import X509

/// Holds a new connection until its TLS handshake is over, so that a connection handed to
/// the HTTP client is one that passed every check; a failure is explained in one sentence
/// (unknown CA, expired certificate, wrong name, refused version, missing client certificate,
/// timeout).
///
/// It stays until the server's first bytes: a TLS 1.3 server checks the client's certificate
/// only after the client has finished its handshake, and one that wants a certificate and got
/// none hangs up then, often with a reset that loses its alert. A hang-up before any answer is
/// explained as one during the handshake would be, instead of a bare "connection reset".
final class TLSHandshakeGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let promise: EventLoopPromise<Void>
    private let tls: OutboundTLS
    private let rejected: RejectedCertificate
    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var handshakeCompleted = false

    init(promise: EventLoopPromise<Void>, tls: OutboundTLS, rejected: RejectedCertificate, timeout: TimeAmount) {
        self.promise = promise
        self.tls = tls
        self.rejected = rejected
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let promise = promise
        let timeout = timeout
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            promise.fail(OutboundError(.tls, "TLS handshake timed out after \(timeout.nanoseconds / 1_000_000_000) s"))
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            deadline?.cancel()
            handshakeCompleted = true
            promise.succeed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        // The server answered: whatever happens next is the connection's own business.
        if handshakeCompleted { context.pipeline.syncOperations.removeHandler(self, promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard handshakeCompleted else {
            promise.fail(TLSFailure.explain(error, tls: tls, rejected: rejected.certificate))
            context.close(promise: nil)
            return
        }
        context.fireErrorCaught(Self.isHangUp(error) ? TLSFailure.closedDuringHandshake(tls) : OutboundError.explaining(error) ?? error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if handshakeCompleted {
            context.fireErrorCaught(TLSFailure.closedDuringHandshake(tls))
        } else {
            promise.fail(TLSFailure.closedDuringHandshake(tls))
        }
        context.fireChannelInactive()
    }

    /// A reset, or the end of the stream without TLS's closing alert.
    private static func isHangUp(_ error: any Error) -> Bool {
        if let error = error as? IOError { return error.errnoCode == ECONNRESET || error.errnoCode == EPIPE }
        if let error = error as? NIOSSLError, case .uncleanShutdown = error { return true }
        return false
    }
}

/// The first certificate the chain check refused on one connection, kept to explain why.
final class RejectedCertificate: Sendable {
    private let state = Mutex<NIOSSLCertificate?>(nil)

    var certificate: NIOSSLCertificate? { state.withLock { $0 } }

    /// For NIOSSL's per-certificate verification callback: records, never changes the verdict.
    func observe(_ result: NIOSSLVerificationResult, _ certificate: NIOSSLCertificate) -> NIOSSLVerificationResult {
        if case .failed = result { state.withLock { if $0 == nil { $0 = certificate } } }
        return result
    }
}
