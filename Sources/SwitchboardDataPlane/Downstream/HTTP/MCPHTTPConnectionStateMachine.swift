import NIOCore
import NIOHTTP1

/// The HTTP/1.1 life of one data-plane connection, as a pure state machine: each event
/// (a request head, a body chunk, its end, a response written, a parse error) returns the
/// action the handler takes. Requests are answered one at a time, in order; requests a client
/// pipelines behind the one being answered wait, up to `maxWaiting`. (NIO's pipelining handler
/// would do the same, at the price of two `epoll_ctl` calls per request to pause and resume
/// reading.) Bodies are collected up to `maxBodyBytes`; past it the request is refused with
/// 413 and the connection closes, since the rest of the body cannot be skipped reliably.
struct MCPHTTPConnectionStateMachine {
    /// A request read whole.
    struct Request {
        var head: HTTPRequestHead
        var body: ByteBuffer
        /// When its last byte was read (`ExchangeTimings.now()`).
        var received: UInt64
    }

    enum Action {
        case none
        /// Answer this request now.
        case serve(Request)
        /// Answer with this refusal and close.
        case refuse(Refusal)
        /// Close without a word (another request is being answered; nothing can be said).
        case close
    }

    enum Refusal: Equatable {
        case bodyTooLarge
        case malformed
    }

    private enum Reading {
        case idle
        case receiving(HTTPRequestHead, ByteBuffer?)
        /// The request was refused; what remains of it is dropped.
        case discarding
    }

    let maxBodyBytes: Int
    let maxWaiting: Int
    private var reading = Reading.idle
    /// The head of the request being answered: its keep-alive decides whether the connection
    /// stays open after the answer.
    private(set) var answering: HTTPRequestHead?
    private var waiting = CircularBuffer<Request>()

    init(maxBodyBytes: Int, maxWaiting: Int = 16) {
        self.maxBodyBytes = maxBodyBytes
        self.maxWaiting = maxWaiting
    }

    /// Whether the connection stays open after the answer being written.
    var keepsAlive: Bool { answering?.isKeepAlive ?? false }

    var waitingCount: Int { waiting.count }

    mutating func receivedHead(_ head: HTTPRequestHead) -> Action {
        if let length = head.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBodyBytes {
            return tooLarge(head)
        }
        reading = .receiving(head, nil)
        return .none
    }

    mutating func receivedBody(_ chunk: ByteBuffer) -> Action {
        guard case .receiving(let head, var body) = reading else { return .none }
        reading = .discarding  // no copy-on-write of `body` while it is taken out
        if body == nil {
            body = chunk  // the common single-chunk body is not copied
        } else {
            var chunk = chunk
            body!.writeBuffer(&chunk)
        }
        guard body!.readableBytes <= maxBodyBytes else { return tooLarge(head) }
        reading = .receiving(head, body)
        return .none
    }

    mutating func receivedEnd(now: UInt64) -> Action {
        guard case .receiving(let head, let body) = reading else {
            reading = .idle
            return .none
        }
        reading = .idle
        let request = Request(head: head, body: body ?? ByteBuffer(), received: now)
        if answering == nil {
            answering = head
            return .serve(request)
        }
        guard waiting.count < maxWaiting else { return .close }
        waiting.append(request)
        return .none
    }

    /// The answer to the current request was written whole. When the connection stays open
    /// the next waiting request, if any, is served.
    mutating func answered(closing: Bool) -> Action {
        answering = nil
        if closing {
            waiting.removeAll()
            return .none
        }
        guard let next = waiting.popFirst() else { return .none }
        answering = next.head
        return .serve(next)
    }

    /// Bytes that are not HTTP/1.1: a 400 when nothing else is being answered, then close.
    mutating func parseError() -> Action {
        reading = .discarding
        guard answering == nil else { return .close }
        return .refuse(.malformed)
    }

    /// The connection closed: nothing waiting will be answered.
    mutating func closed() {
        reading = .idle
        waiting.removeAll()
    }

    private mutating func tooLarge(_ head: HTTPRequestHead) -> Action {
        reading = .discarding
        guard answering == nil else { return .close }
        // The refusal is this request's answer; its keep-alive does not matter, it closes.
        answering = head
        return .refuse(.bodyTooLarge)
    }
}
