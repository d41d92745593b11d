import Synchronization
package import NIOCore
import NIOPosix
import Logging
package import SwitchboardCore
package import SwitchboardPolicy

/// `switchboard stdio`: the gateway served to one client over stdin/stdout, one JSON-RPC
/// message per line. stdout carries only MCP messages; logs go to stderr.
package enum StdioDownstream {
    /// The front door while it serves.
    package struct Serving: Sendable {
        /// Completes when stdin closed and the pipes are closed (or the pipes failed to open).
        package let done: EventLoopFuture<Void>
        /// The pipes' channel; closing it ends the serving.
        package let channel: EventLoopFuture<any Channel>
    }

    /// Serves `caller` (the local user) until stdin closes.
    package static func serve(
        gateway: Gateway, caller: Principal, limits: LimitsConfig, group: any EventLoopGroup, input: CInt = 0, output: CInt = 1
    ) -> Serving {
        BrokenPipes.failInsteadOfSignalling()
        let done = group.next().makePromise(of: Void.self)
        let channel = NIOPipeBootstrap(group: group)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxFrameBytes: limits.maxBodyBytes)))
                    try channel.pipeline.syncOperations.addHandler(
                        StdioDownstreamHandler(gateway: gateway, caller: caller, maxJSONDepth: limits.maxJSONDepth, done: done)
                    )
                }
            }
            .takingOwnershipOfDescriptors(input: input, output: output)
        channel.whenFailure { done.fail($0) }
        return Serving(done: done.futureResult, channel: channel)
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

    func sendFinal(_ message: ByteBuffer, httpStatus: Int, retryAfter: Int?) { write(message) }
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
    private let caller: Principal
    private let maxJSONDepth: Int
    private let done: EventLoopPromise<Void>
    private var session: DownstreamSession?
    private var writer: StdioLineWriter?
    /// A 2026-07-28 client: every request carries its own envelope, and each in-flight one is
    /// an exchange of its own, so `notifications/cancelled` can end it.
    private var modern = false
    private var modernRequests: [JSONRPCID: MCPExchange] = [:]
    private var finished = false

    init(gateway: Gateway, caller: Principal, maxJSONDepth: Int, done: EventLoopPromise<Void>) {
        self.gateway = gateway
        self.caller = caller
        self.maxJSONDepth = maxJSONDepth
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
            message = try JSONRPCMessage.parse(frame, maxDepth: maxJSONDepth)
        } catch {
            writer.write(JSONRPCEncoding.error(id: nil, code: error.code, message: error.message))
            return
        }
        // The first message fixes the era of the process (digest §1.5).
        let door = FrontDoor(message, hasSession: session != nil)
        if session == nil, door == .stateless { modern = true }
        if modern {
            serveModern(message, writer: writer, on: context.eventLoop)
            return
        }
        if door == .initialize, message.kind == .request {
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            if let old = session { gateway.endSession(old, revoke: false, why: "the client initialized again") }
            gateway.initialize(message, caller: caller, on: context.eventLoop).whenComplete { result in
                switch result {
                case .success(let (session, response)):
                    loopBound.value.session = session
                    session.attach(stream: writer)
                    writer.write(response)
                case .failure(let error):
                    writer.write(ErrorReply(GatewayError(error), id: message.id, modernClient: false).body)
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
        let responder: any DownstreamResponder = message.kind == .request ? writer : NoResponder.shared
        gateway.handle(MCPExchange(message: message, session: session, caller: session.requestCaller, responder: responder, loop: context.eventLoop))
    }

    private func serveModern(_ message: JSONRPCMessage, writer: StdioLineWriter, on loop: any EventLoop) {
        switch message.kind {
        case .notification:
            // Cancelling ends the request, or a listen stream.
            if message.method == MCPMethod.cancelled, let id = message.params?["requestId"],
                let exchange = modernRequests.removeValue(forKey: JSONRPCID(json: id.rawText))
            {
                exchange.clientLeft()
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
        let loopBound = NIOLoopBound(self, eventLoop: loop)
        // Its answer lets the handler forget the id (on the loop, after it was recorded below).
        let responder = StdioRequestResponder(writer: writer) {
            loop.execute { loopBound.value.modernRequests[id] = nil }
        }
        let exchange = gateway.serveStateless(
            message, request: request, caller: RequestCaller(principal: caller), virtualServer: nil, responder: responder, on: loop
        )
        if let exchange { modernRequests[id] = exchange }
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

    /// stdin closed (or the channel did, or a line could not be read): every request ends, the
    /// session ends, and the pipes close before the front door reports that it is done, so
    /// nothing of it is left on the event loops when they shut down.
    private func finish(_ context: ChannelHandlerContext) {
        guard !finished else { return }
        finished = true
        for exchange in modernRequests.values { exchange.clientLeft() }
        modernRequests.removeAll()
        if let session {
            gateway.endSession(session, revoke: false, why: "stdin closed")
            self.session = nil
        }
        let done = self.done
        context.close().whenComplete { _ in done.succeed() }
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
    func sendFinal(_ message: ByteBuffer, httpStatus: Int, retryAfter: Int?) {
        writer.write(message)
        onEnd()
    }
    func abandon() { onEnd() }
}
