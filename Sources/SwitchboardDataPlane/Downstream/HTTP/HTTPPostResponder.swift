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
    /// Called on the loop once the response is complete, so the connection's next request may go.
    private let onFinish: () -> Void
    /// Touched only on `channel.eventLoop`.
    private var mode = Mode.undecided
    /// SSE events gathered until the queued flush runs: one pipeline write and one syscall
    /// for everything that arrived in one turn of the loop.
    private var pendingEvents: ByteBuffer?
    private let closed = Atomic<Bool>(false)
    /// Touched only on `channel.eventLoop`.
    private var keepAliveTask: RepeatedTask?

    init(channel: any Channel, keepAlive: Bool, acceptsEventStream: Bool, onFinish: @escaping () -> Void) {
        self.channel = channel
        self.keepAlive = keepAlive
        self.acceptsEventStream = acceptsEventStream
        self.onFinish = onFinish
    }

    /// The connection went away; later messages have nowhere to go.
    func connectionClosed() {
        closed.store(true, ordering: .relaxed)
    }

    func sendInterim(_ message: ByteBuffer) -> Bool {
        guard acceptsEventStream, !closed.load(ordering: .relaxed) else { return false }
        onLoop {
            guard self.streaming() else { return }
            self.queueEvent(message)
        }
        return true
    }

    func sendFinal(_ message: ByteBuffer, httpStatus: Int, retryAfter: Int?) {
        onLoop {
            switch self.mode {
            case .finished:
                return
            case .undecided:
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(message.readableBytes))
                if let retryAfter { headers.add(name: "Retry-After", value: String(retryAfter)) }
                let status = HTTPResponseStatus(statusCode: httpStatus)
                self.write(head: HTTPResponseHead(version: .http1_1, status: status, headers: self.withConnection(headers)))
                self.channel.write(HTTPServerResponsePart.body(.byteBuffer(message)), promise: nil)
            case .streaming:
                self.queueEvent(message)
                self.writePendingEvents()
            }
            self.end()
        }
    }

    /// `:` comments while the stream is open (listen streams idle for long stretches).
    func keepAlive(every interval: TimeAmount) {
        onLoop {
            guard self.keepAliveTask == nil else { return }
            self.keepAliveTask = self.channel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [weak self] task in
                guard let self, self.mode == .streaming, !self.closed.load(ordering: .relaxed) else {
                    task.cancel()
                    return
                }
                self.channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(SSEFrame.keepAlive)), promise: nil)
            }
        }
    }

    func abandon() {
        onLoop {
            // The client cancelled and wants no answer: an event stream that ends (empty, if
            // nothing was sent yet) says so without inventing a response.
            guard self.streaming() else { return }
            self.writePendingEvents()
            self.end()
        }
    }

    /// Turns the answer into an event stream unless it is one already; false once finished.
    private func streaming() -> Bool {
        switch mode {
        case .finished:
            return false
        case .undecided:
            writeStreamHead()
            mode = .streaming
        case .streaming:
            break
        }
        return true
    }

    /// Progress can arrive by the thousand per second; writing and flushing each event would
    /// cost a pipeline pass and a syscall per event. Events gathered in one turn of the loop
    /// go out together after whatever else the loop has queued now.
    private func queueEvent(_ message: ByteBuffer) {
        if pendingEvents == nil {
            pendingEvents = SSEFrame.message(message)
            channel.eventLoop.execute {
                guard self.mode == .streaming else { return }
                self.writePendingEvents()
                self.channel.flush()
            }
        } else {
            SSEFrame.append(message, to: &pendingEvents!)
        }
    }

    private func writePendingEvents() {
        guard let events = pendingEvents else { return }
        pendingEvents = nil
        channel.write(HTTPServerResponsePart.body(.byteBuffer(events)), promise: nil)
    }

    private func writeStreamHead() {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream")
        headers.add(name: "Cache-Control", value: "no-cache")
        headers.add(name: "X-Accel-Buffering", value: "no")
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
        keepAliveTask?.cancel()
        keepAliveTask = nil
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
        append(json, to: &out)
        return out
    }

    static func append(_ json: ByteBuffer, to out: inout ByteBuffer) {
        out.writeStaticString("event: message\ndata: ")
        var json = json
        out.writeBuffer(&json)
        out.writeStaticString("\n\n")
    }

    static let keepAlive = ByteBuffer(string: ": keep-alive\n\n")
}
