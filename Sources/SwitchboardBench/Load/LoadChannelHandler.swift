import NIOCore
import NIOHTTP1

/// Hands a load connection's decoded response parts and its closing to its `LoadWorker`.
final class LoadChannelHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let worker: LoadWorker

    init(worker: LoadWorker) {
        self.worker = worker
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        worker.received(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        worker.connectionClosed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A response that cannot be parsed leaves the framing unknown; the worker reconnects.
        context.close(promise: nil)
    }
}
