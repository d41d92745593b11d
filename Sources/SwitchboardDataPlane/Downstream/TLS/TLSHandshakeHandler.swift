import SwitchboardCore
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SwitchboardIdentity
import SwitchboardPolicy

/// Sits behind `NIOSSLServerHandler` until the handshake is over: closes a connection whose
/// handshake takes too long, reads the verified client certificate into a principal once, hands
/// it on as a `ClientCertificatePrincipal` event, and leaves the pipeline, so requests never
/// pass through it.
final class TLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let identity: ClientCertificateIdentity?
    private let timeout: TimeAmount
    private let logger: Logger
    private var deadline: Scheduled<Void>?

    init(identity: ClientCertificateIdentity?, timeout: TimeAmount, logger: Logger) {
        self.identity = identity
        self.timeout = timeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startClock(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        startClock(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    private func startClock(_ context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        let channel = context.channel
        let logger = logger
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            TLSMetrics.handshakeFailures.increment("timeout")
            logger.debug("tls handshake timed out", metadata: ["switchboard.peer": "\(channel.remoteAddress?.description ?? "?")"])
            channel.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case .handshakeCompleted? = event as? TLSUserEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        deadline?.cancel()
        deadline = nil
        let principal = readPrincipal(context)
        context.fireUserInboundEventTriggered(event)
        if let principal { context.fireUserInboundEventTriggered(ClientCertificatePrincipal(principal: principal)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// BoringSSL has already checked the chain against `tls.client_ca`: a certificate present
    /// after the handshake is a verified one.
    private func readPrincipal(_ context: ChannelHandlerContext) -> Principal? {
        guard let identity, let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate() else { return nil }
        do {
            return try identity.principal(derEncoded: try certificate.toDERBytes())
        } catch let problem as ClientCertificateProblem {
            TLSMetrics.unnamedCertificates.increment(problem.reason)
            logger.warning("client certificate names no principal", metadata: [
                "switchboard.reason": "\(problem)", "switchboard.peer": "\(context.channel.remoteAddress?.description ?? "?")",
            ])
            return nil
        } catch {
            TLSMetrics.unnamedCertificates.increment("unreadable")
            return nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is NIOSSLError || error is BoringSSLError {
            TLSMetrics.handshakeFailures.increment("handshake")
            logger.debug("tls handshake failed", metadata: [
                "switchboard.error": "\(error)", "switchboard.peer": "\(context.channel.remoteAddress?.description ?? "?")",
            ])
        }
        context.fireErrorCaught(error)
    }
}
