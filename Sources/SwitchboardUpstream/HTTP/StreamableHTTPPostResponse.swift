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
/// An error status whose JSON body is a JSON-RPC error answering this very request is that
/// request's answer (2026-07-28 servers answer -32601 with 404, -32022 with 400; legacy ones
/// may too), delivered like a 200 would be.
///
/// Legacy: an event stream that ends before a response came, after the server gave its events
/// ids (2025-11-25 polling, or a dropped connection), is resumed with GET and `Last-Event-ID`.
/// Modern (2026-07-28) has no resumption: the transport is told the request is lost.
final class StreamableHTTPPostResponse: UpstreamHTTPResponseDelegate {
    private enum Body {
        case pending
        case empty
        case json
        case events
        case otherType(String)
        case failed(UpstreamTransportError)
        case httpError(Int)
        /// An error status whose body was this request's JSON-RPC error, delivered.
        case answeredWithError
        /// 401 to a token the gateway can renew: the request is sent again, not answered.
        case unauthorized
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
    private let modern: Bool
    private let renewsOnUnauthorized: Bool
    private let state: Mutex<State>

    /// - Parameter renewsOnUnauthorized: the request carried a token the gateway can renew,
    ///   so a 401 fails the send for `UpstreamCredentialProvider` to send it again.
    init(
        transport: StreamableHTTPUpstreamTransport,
        origin: UpstreamInboundOrigin,
        sentSessionID: Bool,
        modern: Bool,
        renewsOnUnauthorized: Bool = false,
        promise: EventLoopPromise<Void>
    ) {
        self.transport = transport
        self.origin = origin
        self.sentSessionID = sentSessionID
        self.modern = modern
        self.renewsOnUnauthorized = renewsOnUnauthorized
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
        case 401 where renewsOnUnauthorized: (.unauthorized, .discard)
        // The token lacks a scope (MCP authorization, step-up): said as such, for the credentials.
        case 403: Self.insufficientScope(head.headers).map { (.failed(.insufficientScope($0)), .discard) }
            ?? (.httpError(code), .collectPrefix(maxBytes: UpstreamHTTPHeaders.errorBodyPrefix))
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

    /// The scopes a 403's `insufficient_scope` challenge names, or nil for another 403.
    static func insufficientScope(_ headers: HTTPHeaders) -> [String]? {
        guard let challenge = headers["WWW-Authenticate"].lazy.compactMap(BearerChallenge.parse).first, challenge.error == "insufficient_scope" else {
            return nil
        }
        return challenge.scopes
    }

    func responseBody(_ body: ByteBuffer) {
        let kind = state.withLock { $0.body }
        switch kind {
        case .json:
            guard body.readableBytes > 0 else { return }
            if modern, JSONRPCResponseProbe.isResponse(body) { state.withLock { $0.sawResponse = true } }
            transport.deliver(body, origin: origin)
        case .otherType(let type):
            if body.readableBytes > 0 { state.withLock { $0.body = .failed(.unexpectedContentType(type)) } }
        case .httpError(let code):
            if answersThisRequest(body) {
                state.withLock {
                    $0.body = .answeredWithError
                    $0.sawResponse = true
                }
                transport.deliver(body, origin: origin)
                return
            }
            let text = String(decoding: body.readableBytesView, as: UTF8.self)
            state.withLock { $0.body = .failed(.httpStatus(code, body: text)) }
        case .pending, .empty, .events, .failed, .answeredWithError, .unauthorized:
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
        let (promise, body, resumeFrom, retry, answered) = state.withLock { state in
            defer { state.promise = nil }
            let resume = state.sawResponse ? nil : state.lastEventID
            return (state.promise, state.body, resume, state.retry, state.sawResponse)
        }
        if case .unauthorized = body {
            // Before the promise fails: the retry it triggers registers its own abort handle.
            if modern, case .postStream(let correlation) = origin { transport.modernRequestRefused(correlation: correlation) }
            promise?.fail(error ?? UpstreamTransportError.httpStatus(401, body: ""))
            return
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
        guard case .postStream(let correlation) = origin else { return }
        if modern {
            var cause = error
            if cause == nil, case .failed(let failure) = body { cause = failure }
            transport.modernRequestEnded(correlation: correlation, answered: answered, error: cause)
        } else if case .events = body, let resumeFrom {
            transport.resumePostStream(correlation: correlation, lastEventID: resumeFrom, retryMilliseconds: retry, attempt: 1)
        }
    }

    /// Whether an error body is a JSON-RPC error under this POST's own id (our ids are the
    /// correlation values). Read only on error statuses, so parsing it costs nothing that matters.
    private func answersThisRequest(_ body: ByteBuffer) -> Bool {
        guard case .postStream(let correlation) = origin,
            let message = try? JSONRPCMessage.parse(body),
            message.kind == .errorResponse
        else { return false }
        return message.id?.json == String(correlation)
    }
}
