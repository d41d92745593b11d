import Synchronization
package import NIOCore
import NIOPosix
import Logging
import SwitchboardCore

/// `switchboard stdio`: the gateway served to one client over stdin/stdout, one JSON-RPC
/// message per line. stdout carries only MCP messages; logs go to stderr.
package enum StdioDownstream {
    /// Serves until stdin closes; the future completes then.
    package static func serve(gateway: Gateway, group: any EventLoopGroup, input: CInt = 0, output: CInt = 1) -> EventLoopFuture<Void> {
        let done = group.next().makePromise(of: Void.self)
        NIOPipeBootstrap(group: group)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maxFrameBytes: gateway.config.limits.maxBodyBytes))
                    )
                    try channel.pipeline.syncOperations.addHandler(StdioDownstreamHandler(gateway: gateway, done: done))
                }
            }
            .takingOwnershipOfDescriptors(input: input, output: output)
            .whenFailure { done.fail($0) }
        return done.futureResult
    }
}

/// Writes whole lines to the stdio channel from any thread.
final class StdioLineWriter: DownstreamResponder, DownstreamStream, @unchecked Sendable {
    private let channel: any Channel

    init(channel: any Channel) {
        self.channel = channel
    }

    func write(_ message: ByteBuffer) {
        var line = ByteBuffer()
        line.reserveCapacity(message.readableBytes + 1)
        var message = message
        line.writeBuffer(&message)
        line.writeInteger(UInt8(ascii: "\n"))
        channel.writeAndFlush(line, promise: nil)
    }

    func sendInterim(_ message: ByteBuffer) -> Bool {
        write(message)
        return true
    }

    func sendFinal(_ message: ByteBuffer) { write(message) }
    func abandon() {}
    func send(_ message: ByteBuffer) -> Bool {
        write(message)
        return true
    }
    func close() {}
}

final class StdioDownstreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let gateway: Gateway
    private let done: EventLoopPromise<Void>
    private var session: DownstreamSession?
    private var writer: StdioLineWriter?
    /// A 2026-07-28 client: every request carries its own envelope, and each in-flight one has
    /// a session of its own so `notifications/cancelled` can end it.
    private var modern = false
    private var modernRequests: [JSONRPCID: DownstreamSession] = [:]

    init(gateway: Gateway, done: EventLoopPromise<Void>) {
        self.gateway = gateway
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        writer = StdioLineWriter(channel: context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let writer else { return }
        let frame = unwrapInboundIn(data)
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.parse(frame, maxDepth: gateway.config.limits.maxJSONDepth)
        } catch {
            writer.write(JSONRPCEncoding.error(id: nil, code: error.code, message: error.message))
            return
        }
        // The first message fixes the era of the process (digest §1.5).
        if session == nil, !modern, message.method != MCPMethod.initialize, ModernRequest.isModern(message) { modern = true }
        if modern {
            serveModern(message, writer: writer, on: context.eventLoop)
            return
        }
        if message.method == MCPMethod.initialize, message.kind == .request {
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            if let old = session { gateway.endSession(id: old.id, revoke: false) }
            gateway.initialize(message, caller: gateway.governance.localCaller, on: context.eventLoop).whenComplete { result in
                switch result {
                case .success(let (session, response)):
                    loopBound.value.session = session
                    session.attach(stream: writer)
                    writer.write(response)
                case .failure(let error):
                    writer.write(GatewayError(error).response(id: message.id))
                }
            }
            return
        }
        guard let session else {
            if message.kind == .request {
                writer.write(JSONRPCEncoding.error(id: message.id, code: JSONRPCErrorCode.invalidRequest, message: "Invalid request: initialize first"))
            }
            return
        }
        gateway.handle(message, session: session, responder: message.kind == .request ? writer : NoResponder.shared, on: context.eventLoop)
    }

    private func serveModern(_ message: JSONRPCMessage, writer: StdioLineWriter, on loop: any EventLoop) {
        switch message.kind {
        case .notification:
            // Cancelling ends the request, or a listen stream.
            if message.method == MCPMethod.cancelled, let id = message.params?["requestId"],
                let session = modernRequests.removeValue(forKey: JSONRPCID(json: id.rawText))
            {
                session.close()
                gateway.modernRequestEnded(session)
            }
            return
        case .response, .errorResponse:
            return
        case .request:
            break
        }
        if message.method == MCPMethod.initialize {
            let data = ModernRequest.unsupportedData(requested: message.params?["protocolVersion"]?.string ?? "")
            writer.write(JSONRPCEncoding.error(id: message.id, code: JSONRPCErrorCode.unsupportedProtocolVersion, message: "This connection serves 2026-07-28; initialize is not accepted", data: data))
            return
        }
        let request: ModernRequest
        switch ModernRequest.check(message, headers: nil, annotated: { _ in [] }) {
        case .success(let checked): request = checked
        case .failure(let rejection):
            writer.write(rejection.body)
            return
        }
        let id = message.id!
        guard modernRequests[id] == nil else {
            writer.write(JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.invalidRequest, message: "Invalid request: id \(id.json) is already in use"))
            return
        }
        guard gateway.admitModern() else {
            writer.write(GatewayError.overloaded("too many sessions and requests in flight").response(id: id))
            return
        }
        let session = DownstreamSession(
            id: "", revision: request.version, clientCapabilities: request.capabilities, clientName: request.clientName, tap: gateway.tap,
            principal: gateway.governance.localCaller
        )
        session.logLevel = request.logLevel
        modernRequests[id] = session
        let loopBound = NIOLoopBound(self, eventLoop: loop)
        let gateway = self.gateway
        let responder = StdioRequestResponder(writer: writer) {
            loop.execute {
                if let ended = loopBound.value.modernRequests.removeValue(forKey: id) { gateway.modernRequestEnded(ended) }
            }
        }
        gateway.handle(message, session: session, responder: responder, on: loop)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelEvent, case .inputClosed = event as! ChannelEvent {
            finish(context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An over-long line cannot be resynchronised reliably: report and stop.
        writer?.write(JSONRPCEncoding.error(id: nil, code: JSONRPCErrorCode.parseError, message: "Parse error: \(error)"))
        finish(context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context)
        context.fireChannelInactive()
    }

    private func finish(_ context: ChannelHandlerContext) {
        for request in modernRequests.values {
            request.close()
            gateway.modernRequestEnded(request)
        }
        modernRequests.removeAll()
        if let session {
            gateway.endSession(id: session.id, revoke: false)
            self.session = nil
        }
        done.succeed()
    }
}

/// One 2026-07-28 request's answer on the shared stdout: written in order with everything
/// else; its end lets the handler forget the request.
final class StdioRequestResponder: DownstreamResponder, Sendable {
    private let writer: StdioLineWriter
    private let onEnd: @Sendable () -> Void

    init(writer: StdioLineWriter, onEnd: @escaping @Sendable () -> Void) {
        self.writer = writer
        self.onEnd = onEnd
    }

    func sendInterim(_ message: ByteBuffer) -> Bool { writer.sendInterim(message) }
    func sendFinal(_ message: ByteBuffer) {
        writer.sendFinal(message)
        onEnd()
    }
    func abandon() { onEnd() }
}
