import NIOCore
import NIOHTTP1
import SwitchboardCore
import Synchronization

/// Reads the answer to one Streamable HTTP POST: 202/204 or an empty 200 accept it, a JSON
/// body or each `message` event of an event stream is delivered with the POST's origin, 404 to
/// a request that carried a session id means the session expired, anything else non-2xx is an
/// HTTP error. The send future completes when the message was accepted: for JSON once the body
/// was delivered, for an event stream as soon as it starts (its messages keep flowing after).
///
/// An event stream that ends before a response came, after the server gave its events ids
/// (2025-11-25 polling, or a dropped connection), is resumed with GET and `Last-Event-ID`.
final class StreamableHTTPPostResponse: UpstreamHTTPResponseDelegate {
    private enum Body {
        case pending
        case empty
        case json
        case events
        case otherType(String)
        case failed(UpstreamTransportError)
        case httpError(Int)
    }

    private struct State {
        var body = Body.pending
        var promise: EventLoopPromise<Void>?
        var lastEventID: String?
        var retry: Int?
        var sawResponse = false
    }

    private let transport: StreamableHTTPUpstreamTransport
    private let origin: UpstreamInboundOrigin
    private let sentSessionID: Bool
    private let state: Mutex<State>

    init(transport: StreamableHTTPUpstreamTransport, origin: UpstreamInboundOrigin, sentSessionID: Bool, promise: EventLoopPromise<Void>) {
        self.transport = transport
        self.origin = origin
        self.sentSessionID = sentSessionID
        self.state = Mutex(State(promise: promise))
    }

    func responseHead(_ head: HTTPResponseHead) -> UpstreamHTTPBodyMode {
        let code = Int(head.status.code)
        if (200..<300).contains(code) { transport.captureSessionID(from: head.headers) }
        let mediaType = UpstreamHTTPHeaders.mediaType(head.headers)
        let (body, mode): (Body, UpstreamHTTPBodyMode) = switch code {
        case 202, 204: (.empty, .discard)
        case 200..<300 where mediaType == UpstreamHTTPHeaders.json: (.json, .collect(maxBytes: transport.maxMessageBytes))
        case 200..<300 where mediaType == UpstreamHTTPHeaders.eventStream: (.events, .serverSentEvents(maxEventBytes: transport.maxMessageBytes))
        case 200..<300: (.otherType(mediaType), .collectPrefix(maxBytes: 1))
        case 404 where sentSessionID: (.failed(.sessionExpired), .discard)
        default: (.httpError(code), .collectPrefix(maxBytes: UpstreamHTTPHeaders.errorBodyPrefix))
        }
        let accepted = state.withLock { state -> EventLoopPromise<Void>? in
            state.body = body
            guard case .events = body else { return nil }
            defer { state.promise = nil }
            return state.promise
        }
        accepted?.succeed()
        return mode
    }

    func responseBody(_ body: ByteBuffer) {
        let kind = state.withLock { $0.body }
        switch kind {
        case .json:
            if body.readableBytes > 0 { transport.deliver(body, origin: origin) }
        case .otherType(let type):
            if body.readableBytes > 0 { state.withLock { $0.body = .failed(.unexpectedContentType(type)) } }
        case .httpError(let code):
            let text = String(decoding: body.readableBytesView, as: UTF8.self)
            state.withLock { $0.body = .failed(.httpStatus(code, body: text)) }
        case .pending, .empty, .events, .failed:
            break
        }
    }

    func responseEvent(_ event: SSEEvent) {
        state.withLock { state in
            if let id = event.id { state.lastEventID = id.isEmpty ? nil : id }
            if let retry = event.retry { state.retry = retry }
        }
        guard event.isMessage, event.data.readableBytes > 0 else { return }
        if case .postStream = origin, JSONRPCResponseProbe.isResponse(event.data) {
            state.withLock { $0.sawResponse = true }
        }
        transport.deliver(event.data, origin: origin)
    }

    func responseEnded(error: (any Error)?) {
        let (promise, body, resumeFrom, retry) = state.withLock { state in
            defer { state.promise = nil }
            let resume = state.sawResponse ? nil : state.lastEventID
            return (state.promise, state.body, resume, state.retry)
        }
        if let promise {
            if let error {
                promise.fail(error)
            } else if case .failed(let failure) = body {
                promise.fail(failure)
            } else {
                promise.succeed()
            }
        }
        if case .events = body, let resumeFrom, case .postStream(let correlation) = origin {
            transport.resumePostStream(correlation: correlation, lastEventID: resumeFrom, retryMilliseconds: retry, attempt: 1)
        }
    }
}
