import NIOCore
import SwitchboardCore

/// Answers one line-framed JSON-RPC message per read with `BenchResponder`, after
/// `BenchEraGate` (without headers to check) placed it in an era; replies are lines too,
/// flushed once per batch of reads.
final class BenchStdioHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let responder: BenchResponder
    private let gate: BenchEraGate

    init(responder: BenchResponder, gate: BenchEraGate) {
        self.responder = responder
        self.gate = gate
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.parse(unwrapInboundIn(data))
        } catch {
            send(JSONRPCEncoding.error(id: nil, code: error.code, message: error.message), context: context)
            return
        }
        let modern: Bool
        switch gate.admit(message, headers: nil, inSession: false) {
        case .legacy: modern = false
        case .modern: modern = true
        case .refuse(let refusal):
            if let body = refusal.body { send(body, context: context) }
            return
        }
        switch responder.reply(to: message, modern: modern) {
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
