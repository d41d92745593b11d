import NIOCore
import NIOHTTP1
import SwitchboardCore

/// `/mcp` and `/mcp/{virtual server}`: Streamable HTTP for every era (spec digest §1.3–§1.5).
/// POST carries messages: `initialize` opens a legacy session, a message with `Mcp-Session-Id`
/// belongs to one, a 2026-07-28 request is served statelessly; GET opens a legacy session's
/// stream; DELETE ends a session. Origin and caller were checked on the way in.
struct StreamableHTTPEndpoint: Sendable {
    let gateway: Gateway
    let limits: LimitsConfig
    /// `sessions.keepalive`: comments on GET streams that idle.
    let keepAlive: TimeAmount

    func serve(_ request: HTTPRequest, on connection: some HTTPConnection) -> HTTPOutcome {
        switch request.head.method {
        case .POST: post(request, on: connection)
        case .GET: openStream(request, on: connection)
        case .DELETE: delete(request)
        default: .reply(HTTPRefusal.methodNotAllowed(allow: "GET, POST, DELETE"))
        }
    }

    // MARK: POST

    private func post(_ request: HTTPRequest, on connection: some HTTPConnection) -> HTTPOutcome {
        let headers = request.head.headers
        guard let contentType = headers.first(name: "Content-Type"), ASCII.hasPrefix(contentType, "application/json") else {
            return .reply(HTTPRefusal.unsupportedMediaType)
        }
        let accept = AcceptHeader(headers)
        guard accept.json || accept.eventStream else {
            return .reply(HTTPRefusal.notAcceptable("Accept must list application/json and text/event-stream"))
        }
        if request.body.readableBytesView.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "[") {
            return batch(request, on: connection)
        }
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.parse(request.body, maxDepth: limits.maxJSONDepth)
        } catch {
            return .reply(HTTPRefusal.unreadable(code: error.code, message: error.message))
        }
        let version = headers.first(name: "MCP-Protocol-Version")
        // (`contains` makes no String of the long sealed id; the session lookup reads it once.)
        let door = FrontDoor(message, hasSession: headers.contains(name: "Mcp-Session-Id"), protocolHeader: version)
        if door == .stateless {
            return postStateless(message, request, acceptsEventStream: accept.eventStream, on: connection)
        }
        if let version, !ProtocolRevision.legacy.contains(version) {
            return .reply(HTTPRefusal.invalidRequest(.badRequest, "Unsupported MCP-Protocol-Version: \(version)", id: message.id))
        }
        if door == .initialize {
            guard message.kind == .request else { return .reply(HTTPRefusal.invalidRequest(.badRequest, "initialize must be a request")) }
            return initialize(message, request, loop: connection.channel.eventLoop)
        }
        let session: DownstreamSession
        switch self.session(request, id: message.id) {
        case .success(let found): session = found
        case .failure(let refusal): return .reply(refusal.reply)
        }
        let loop = connection.channel.eventLoop
        guard message.kind == .request else {
            // Handled before the 202 is written: writing it lets the connection's next
            // pipelined request start, which must not overtake this one.
            gateway.handle(MCPExchange(message: message, session: session, caller: request.caller, responder: NoResponder.shared, loop: loop))
            return .reply(HTTPReply(.accepted, body: nil))
        }
        let responder = connection.postResponder(acceptsEventStream: accept.eventStream)
        gateway.handle(
            MCPExchange(
                message: message, session: session, caller: request.caller, responder: responder, loop: loop, received: request.received,
                traceHeaders: request.traceHeaders(for: session)
            )
        )
        return .answering(responder, nil)
    }

    /// A 2026-07-28 request: headers checked against the body, then served in a context that
    /// lives as long as this one request (or listen stream). The client closing the connection
    /// cancels it (digest §1.4), unlike a legacy client's.
    private func postStateless(_ message: JSONRPCMessage, _ request: HTTPRequest, acceptsEventStream: Bool, on connection: some HTTPConnection) -> HTTPOutcome {
        switch message.kind {
        case .notification:
            // Core 2026-07-28 defines no client notification over HTTP; accepted and dropped.
            return .reply(HTTPReply(.accepted, body: nil))
        case .response, .errorResponse:
            return .reply(HTTPRefusal.invalidRequest(.badRequest, "Invalid request: 2026-07-28 clients send no responses"))
        case .request:
            break
        }
        let checked: ModernRequest
        switch ModernRequest.check(message, headers: request.head.headers, annotated: gateway.catalogue.headerParams(forShown:)) {
        case .success(let valid): checked = valid
        case .failure(let rejection): return .reply(HTTPRefusal.rejected(rejection))
        }
        let responder = connection.postResponder(acceptsEventStream: acceptsEventStream)
        let exchange = gateway.serveStateless(
            message, request: checked, caller: request.caller, virtualServer: request.virtualServer, responder: responder,
            on: connection.channel.eventLoop, received: request.received
        )
        return .answering(responder, exchange)
    }

    private func initialize(_ message: JSONRPCMessage, _ request: HTTPRequest, loop: any EventLoop) -> HTTPOutcome {
        let opened = gateway.initialize(message, caller: request.caller.principal, virtualServer: request.virtualServer, on: loop)
        return .later(
            opened.map { session, response in
                HTTPOutcome.reply(HTTPReply(.ok, headers: [("Mcp-Session-Id", session.id)], body: response))
            }.recover { error in
                let refusal = ErrorReply(GatewayError(error), id: message.id, modernClient: false)
                return .reply(HTTPReply(HTTPResponseStatus(statusCode: refusal.httpStatus), body: refusal.body))
            }
        )
    }

    struct SessionRefusal: Error {
        let reply: HTTPReply
    }

    /// The session named by `Mcp-Session-Id`: 400 when missing, 404 when unknown (the client
    /// then starts over with `initialize`).
    func session(_ request: HTTPRequest, id: JSONRPCID?) -> Result<DownstreamSession, SessionRefusal> {
        guard let sessionID = request.head.headers.first(name: "Mcp-Session-Id") else {
            return .failure(SessionRefusal(reply: HTTPRefusal.sessionIDMissing(id: id)))
        }
        guard let session = gateway.sessions.session(id: sessionID, caller: request.caller.principal, virtualServer: request.virtualServer) else {
            return .failure(SessionRefusal(reply: HTTPRefusal.sessionNotFound(id: id)))
        }
        return .success(session)
    }

    // MARK: GET and DELETE

    private func openStream(_ request: HTTPRequest, on connection: some HTTPConnection) -> HTTPOutcome {
        // Without a legacy session there is no stream to open: 2026-07-28 has no GET (§1.5).
        guard request.head.headers.contains(name: "Mcp-Session-Id") else {
            return .reply(HTTPRefusal.methodNotAllowed(allow: "POST", "GET needs an Mcp-Session-Id (2026-07-28 clients use POST only)"))
        }
        guard AcceptHeader(request.head.headers).eventStream else {
            return .reply(HTTPRefusal.notAcceptable("Accept must list text/event-stream"))
        }
        switch session(request, id: nil) {
        case .success(let session):
            let stream = SSEDownstreamStream(channel: connection.channel, keepAlive: keepAlive)
            session.attach(stream: stream)
            return .sessionStream(stream, session)
        case .failure(let refusal):
            return .reply(refusal.reply)
        }
    }

    private func delete(_ request: HTTPRequest) -> HTTPOutcome {
        guard request.head.headers.contains(name: "Mcp-Session-Id") else {
            return .reply(HTTPRefusal.methodNotAllowed(allow: "POST", "DELETE needs an Mcp-Session-Id"))
        }
        switch session(request, id: nil) {
        case .success(let session):
            gateway.endSession(session, why: "DELETE")
            return .reply(HTTPReply(.ok, body: nil))
        case .failure(let refusal):
            return .reply(refusal.reply)
        }
    }
}
