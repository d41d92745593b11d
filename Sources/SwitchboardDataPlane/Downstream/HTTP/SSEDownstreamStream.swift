import Synchronization
import NIOCore
import NIOHTTP1

/// A session's GET stream: messages no request owns, plus `:` comments now and then so
/// proxies and load balancers do not cut an idle stream.
final class SSEDownstreamStream: DownstreamStream, @unchecked Sendable {
    private let channel: any Channel
    private let open = Atomic<Bool>(true)
    private var keepAliveTask: RepeatedTask?

    init(channel: any Channel, keepAlive: TimeAmount) {
        self.channel = channel
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream")
        headers.add(name: "Cache-Control", value: "no-cache")
        headers.add(name: "X-Accel-Buffering", value: "no")
        channel.writeAndFlush(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)), promise: nil)
        keepAliveTask = channel.eventLoop.scheduleRepeatedTask(initialDelay: keepAlive, delay: keepAlive) { [weak self] _ in
            guard let self, self.open.load(ordering: .relaxed) else { return }
            self.channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(SSEFrame.keepAlive)), promise: nil)
        }
    }

    var isOpen: Bool { open.load(ordering: .relaxed) }

    func send(_ message: ByteBuffer) -> Bool {
        guard open.load(ordering: .relaxed) else { return false }
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(SSEFrame.message(message))), promise: nil)
        return true
    }

    func close() {
        guard open.exchange(false, ordering: .relaxed) else { return }
        let channel = self.channel
        let task = keepAliveTask
        channel.eventLoop.execute {
            task?.cancel()
            channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// The client went away.
    func connectionClosed() {
        open.store(false, ordering: .relaxed)
        keepAliveTask?.cancel()
    }
}
