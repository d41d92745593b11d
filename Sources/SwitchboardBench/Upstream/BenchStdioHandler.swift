import NIOCore
import SwitchboardCore

/// Answers one line-framed JSON-RPC message per read with `BenchResponder`; replies are lines
/// too, flushed once per batch of reads.
final class BenchStdioHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let responder: BenchResponder

    init(responder: BenchResponder) {
        self.responder = responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.parse(unwrapInboundIn(data))
        } catch {
            send(JSONRPCEncoding.error(id: nil, code: error.code, message: error.message), context: context)
            return
        }
        switch responder.reply(to: message) {
        case .accepted: break
        case .message(let answer): send(answer, context: context)
        case .stream(let messages): for message in messages { send(message, context: context) }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An oversized line or a broken pipe: the stream cannot be read on.
        context.close(promise: nil)
    }

    private func send(_ message: ByteBuffer, context: ChannelHandlerContext) {
        var line = message
        line.writeStaticString("\n")
        context.write(wrapOutboundOut(line), promise: nil)
    }
}
