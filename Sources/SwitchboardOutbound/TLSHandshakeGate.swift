import Foundation
import NIOCore
import NIOSSL
import NIOTLS
import Synchronization
import X509

/// Holds a new connection until its TLS handshake is over, so that a connection handed to
/// the HTTP client is one that passed every check; a failure is explained in one sentence
/// (unknown CA, expired certificate, wrong name, refused version, missing client certificate,
/// timeout). Removes itself once the handshake completed.
final class TLSHandshakeGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let promise: EventLoopPromise<Void>
    private let tls: OutboundTLS
    private let rejected: RejectedCertificate
    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

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
            promise.succeed()
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(TLSFailure.explain(error, tls: tls, rejected: rejected.certificate))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(TLSFailure.closedDuringHandshake(tls))
        context.fireChannelInactive()
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
