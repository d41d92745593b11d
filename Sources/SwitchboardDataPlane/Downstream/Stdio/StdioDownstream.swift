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
        if message.method == MCPMethod.initialize, message.kind == .request {
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            if let old = session { gateway.endSession(id: old.id) }
            gateway.initialize(message, on: context.eventLoop).whenComplete { result in
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
        if let session {
            gateway.endSession(id: session.id)
            self.session = nil
        }
        done.succeed()
    }
}
