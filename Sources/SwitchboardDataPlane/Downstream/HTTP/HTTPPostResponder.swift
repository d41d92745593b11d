import Synchronization
import NIOCore
import NIOHTTP1
import SwitchboardCore

/// Answers one POSTed request. It starts undecided: a response that arrives first goes out as
/// `application/json` (cheapest for the client); a message tied to the request that arrives
/// first turns the response into an SSE stream that ends with the response (spec digest §1.3).
final class HTTPPostResponder: DownstreamResponder, @unchecked Sendable {
    private enum Mode { case undecided, streaming, finished }

    private let channel: any Channel
    private let keepAlive: Bool
    private let acceptsEventStream: Bool
    private let extraHeaders: [(String, String)]
    /// Called on the loop once the response is complete, so the connection's next request may go.
    private let onFinish: () -> Void
    /// Touched only on `channel.eventLoop`.
    private var mode = Mode.undecided
    /// A flush is queued on the loop: events written until it runs share one syscall.
    private var flushQueued = false
    private let closed = Atomic<Bool>(false)

    init(channel: any Channel, keepAlive: Bool, acceptsEventStream: Bool, extraHeaders: [(String, String)] = [], onFinish: @escaping () -> Void) {
        self.channel = channel
        self.keepAlive = keepAlive
        self.acceptsEventStream = acceptsEventStream
        self.extraHeaders = extraHeaders
        self.onFinish = onFinish
    }

    /// The connection went away; later messages have nowhere to go.
    func connectionClosed() {
        closed.store(true, ordering: .relaxed)
    }

    func sendInterim(_ message: ByteBuffer) -> Bool {
        guard acceptsEventStream, !closed.load(ordering: .relaxed) else { return false }
        onLoop {
            switch self.mode {
            case .finished:
                return
            case .undecided:
                self.writeStreamHead()
                self.mode = .streaming
            case .streaming:
                break
            }
            self.channel.write(HTTPServerResponsePart.body(.byteBuffer(SSEFrame.message(message))), promise: nil)
            self.queueFlush()
        }
        return true
    }

    func sendFinal(_ message: ByteBuffer) {
        onLoop {
            switch self.mode {
            case .finished:
                return
            case .undecided:
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(message.readableBytes))
                for (n, v) in self.extraHeaders { headers.add(name: n, value: v) }
                self.write(head: HTTPResponseHead(version: .http1_1, status: .ok, headers: self.withConnection(headers)))
                self.channel.write(HTTPServerResponsePart.body(.byteBuffer(message)), promise: nil)
            case .streaming:
                self.channel.write(HTTPServerResponsePart.body(.byteBuffer(SSEFrame.message(message))), promise: nil)
            }
            self.end()
        }
    }

    func abandon() {
        onLoop {
            switch self.mode {
            case .finished:
                return
            case .undecided:
                // The client cancelled and wants no answer: an empty event stream says so
                // without inventing a response.
                self.writeStreamHead()
            case .streaming:
                break
            }
            self.end()
        }
    }

    /// Progress can arrive by the thousand per second; flushing each event would be a write
    /// syscall per event. The flush runs after whatever else the loop has queued now.
    private func queueFlush() {
        guard !flushQueued else { return }
        flushQueued = true
        channel.eventLoop.execute {
            self.flushQueued = false
            self.channel.flush()
        }
    }

    private func writeStreamHead() {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream")
        headers.add(name: "Cache-Control", value: "no-cache")
        headers.add(name: "X-Accel-Buffering", value: "no")
        for (n, v) in extraHeaders { headers.add(name: n, value: v) }
        // Chunked: the stream's length is not known up front.
        write(head: HTTPResponseHead(version: .http1_1, status: .ok, headers: withConnection(headers)))
    }

    private func write(head: HTTPResponseHead) {
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
    }

    private func withConnection(_ headers: HTTPHeaders) -> HTTPHeaders {
        var headers = headers
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        return headers
    }

    private func end() {
        mode = .finished
        let keepAlive = self.keepAlive
        let channel = self.channel
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
        if keepAlive { onFinish() }
    }

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if channel.eventLoop.inEventLoop {
            body()
        } else {
            channel.eventLoop.execute(body)
        }
    }
}

/// SSE framing for JSON-RPC messages (compact JSON never holds a raw newline).
enum SSEFrame {
    static func message(_ json: ByteBuffer) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(json.readableBytes + 24)
        out.writeString("event: message\ndata: ")
        var json = json
        out.writeBuffer(&json)
        out.writeString("\n\n")
        return out
    }

    static let keepAlive = ByteBuffer(string: ": keep-alive\n\n")
}
