import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardPolicy

/// One data-plane HTTP connection: `MCPHTTPConnectionStateMachine` decides what each event
/// means (reading, pipelining, refusing); this handler does it. A request is routed
/// (`MCPHTTPRoutes`), its caller authenticated, and its endpoint's outcome acted on: a reply
/// written at once, an answer streamed by its `HTTPPostResponder`, or the connection turned
/// into an event stream. Everything runs on the connection's event loop; no task or actor per
/// request.
final class MCPHTTPHandler: ChannelInboundHandler, RemovableChannelHandler, HTTPConnection {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// What holds the connection once a request is being answered.
    private enum Answer {
        case none
        /// A POST answered by its responder; the exchange of a 2026-07-28 request, which the
        /// client leaving cancels.
        case post(HTTPPostResponder, MCPExchange?)
        /// A legacy session's GET stream.
        case sessionStream(SSEDownstreamStream, DownstreamSession)
        /// An HTTP+SSE stream, whose closing ends its session.
        case legacyStream(LegacySSEConnection)
    }

    private let routes: MCPHTTPRoutes
    private var machine: MCPHTTPConnectionStateMachine
    private var answer = Answer.none
    /// The verified client certificate's principal (mutual TLS), read once after the handshake.
    private var certificatePrincipal: Principal?
    /// The API key this connection proved last: its next requests skip the lookup.
    private var rememberedKey: RememberedKey?
    private var context: ChannelHandlerContext!
    /// Called by a finished responder; made once per connection, not per request.
    private var responderFinished: (() -> Void)!

    init(routes: MCPHTTPRoutes, maxBodyBytes: Int) {
        self.routes = routes
        self.machine = MCPHTTPConnectionStateMachine(maxBodyBytes: maxBodyBytes)
    }

    var channel: any Channel { context.channel }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        responderFinished = { handler.value.finished() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        responderFinished = nil  // the closure holds the handler
    }

    // MARK: Events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): act(machine.receivedHead(head))
        case .body(let chunk): act(machine.receivedBody(chunk))
        case .end: act(machine.receivedEnd(now: ExchangeTimings.now()))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.close(promise: nil)
            return
        }
        act(machine.parseError())
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let identified = event as? ClientCertificatePrincipal { certificatePrincipal = identified.principal }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch answer {
        case .none:
            break
        case .post(let responder, let exchange):
            // A legacy client disconnecting is not a cancel (spec digest §3.1): calls go on and
            // their answers are dropped. A 2026-07-28 client closing its stream cancels.
            responder.connectionClosed()
            exchange?.clientLeft()
        case .sessionStream(let stream, let session):
            stream.connectionClosed()
            session.detach(stream: stream)
        case .legacyStream(let connection):
            routes.legacySSE.closed(connection)
        }
        answer = .none
        machine.closed()
        context.fireChannelInactive()
    }

    // MARK: Acting

    private func act(_ action: MCPHTTPConnectionStateMachine.Action) {
        switch action {
        case .none: break
        case .serve(let request): serve(request)
        case .refuse(.bodyTooLarge):
            recordRefusal("body_too_large", status: 413, head: nil)
            write(HTTPRefusal.bodyTooLarge(limit: machine.maxBodyBytes))
        case .refuse(.malformed): write(HTTPRefusal.malformedHTTP)
        case .close: context.close(promise: nil)
        }
    }

    private func serve(_ request: MCPHTTPConnectionStateMachine.Request) {
        guard context.channel.isActive else { return }
        let (endpoint, path, virtualServer): (GatewayPath, Substring, String?)
        switch routes.resolve(request.head, on: context.eventLoop) {
        case .reply(let reply):
            write(reply)
            return
        case .refused(let reply, let reason):
            recordRefusal(reason, status: Int(reply.status.code), head: request.head)
            write(reply)
            return
        case .later(let reply):
            act(.later(reply.map { .reply($0) }))
            return
        case .authenticate(let e, let p, let v):
            (endpoint, path, virtualServer) = (e, p, v)
        }
        let loop = context.eventLoop
        switch routes.authentication.authenticate(
            request.head, virtualServer: virtualServer, certificate: certificatePrincipal, remembered: &rememberedKey, on: loop
        ) {
        case .caller(let caller):
            serve(endpoint, path: path, request, caller: caller, virtualServer: virtualServer)
        case .refused(let refusal):
            recordRefusal(refusal.reason, status: Int(refusal.status.code), head: request.head)
            write(HTTPRefusal.unauthorized(refusal))
        case .pending(let verified):
            // The request resumes on this loop once the token is checked.
            let handler = NIOLoopBound(self, eventLoop: loop)
            verified.whenComplete { result in
                guard handler.value.context.channel.isActive else { return }
                switch result {
                case .success(let caller): handler.value.serve(endpoint, path: path, request, caller: caller, virtualServer: virtualServer)
                case .failure(let error):
                    let refusal = error as? AuthRefusal ?? .unavailable
                    handler.value.recordRefusal(refusal.reason, status: Int(refusal.status.code), head: request.head)
                    handler.value.write(HTTPRefusal.unauthorized(refusal))
                }
            }
        }
    }

    /// On the trail (coalesced per reason, `RefusalRecorder`): what was refused, why, from where.
    private func recordRefusal(_ reason: String, status: Int, head: HTTPRequestHead?) {
        guard let refusals = routes.gateway.refusals else { return }
        var request = "request"
        if let head {
            let path = head.uri.firstIndex(of: "?").map { String(head.uri[..<$0]) } ?? head.uri
            request = "\(head.method.rawValue) \(path)"
        }
        refusals.refused(reason: reason, status: status, request: request, from: context.channel.remoteAddress?.ipAddress)
    }

    private func serve(
        _ endpoint: GatewayPath, path: Substring, _ request: MCPHTTPConnectionStateMachine.Request, caller: RequestCaller, virtualServer: String?
    ) {
        let routed = HTTPRequest(head: request.head, body: request.body, received: request.received, caller: caller, virtualServer: virtualServer)
        act(routes.serve(endpoint, path: path, routed, on: self))
    }

    private func act(_ outcome: HTTPOutcome) {
        switch outcome {
        case .reply(let reply):
            write(reply)
        case .answering(let responder, let exchange):
            // The responder may have finished already (and the next request started): the
            // exchange is kept only while its own answer is still the one in progress.
            if case .post(let current, _) = answer, current === responder { answer = .post(responder, exchange) }
        case .sessionStream(let stream, let session):
            answer = .sessionStream(stream, session)
        case .legacyStream(let connection):
            answer = .legacyStream(connection)
        case .later(let decided):
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            decided.whenComplete { result in
                guard handler.value.context.channel.isActive else { return }
                switch result {
                case .success(let outcome): handler.value.act(outcome)
                case .failure: handler.value.write(HTTPRefusal.internalError)
                }
            }
        }
    }

    /// A responder for the request being answered (`HTTPConnection`).
    func postResponder(acceptsEventStream: Bool) -> HTTPPostResponder {
        let responder = HTTPPostResponder(
            channel: context.channel, keepAlive: machine.keepsAlive, acceptsEventStream: acceptsEventStream, onFinish: responderFinished
        )
        answer = .post(responder, nil)
        return responder
    }

    /// The responder wrote its whole answer and the connection stays open.
    private func finished() {
        answer = .none
        act(machine.answered(closing: false))
    }

    // MARK: Writing

    private func write(_ reply: HTTPReply) {
        var headers = HTTPHeaders()
        if let body = reply.body {
            headers.add(name: "Content-Type", value: reply.contentType)
            headers.add(name: "Content-Length", value: String(body.readableBytes))
        } else {
            headers.add(name: "Content-Length", value: "0")
        }
        for (name, value) in reply.headers { headers.add(name: name, value: value) }
        let close = reply.forceClose || !machine.keepsAlive
        if close { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers))), promise: nil)
        if let body = reply.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if close { channel.close(promise: nil) }
        }
        act(machine.answered(closing: close))
    }
}
