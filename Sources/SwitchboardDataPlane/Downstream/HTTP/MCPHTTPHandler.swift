import Synchronization
import NIOCore
import NIOHTTP1
import Logging
import SwitchboardCore
import SwitchboardPolicy

/// The `/mcp` endpoint (Streamable HTTP, 2025-03-26 … 2025-11-25) plus health endpoints, as a
/// channel handler: the body is collected up to the limit, checked, scanned for its envelope
/// and handed to the gateway on this event loop. No task or actor per request.
final class MCPHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let gateway: Gateway
    private let origins: OriginPolicy
    /// The request being read off the wire.
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var rejected = false
    /// The request being answered. One at a time per connection, in order: requests that a
    /// client pipelines behind it wait in `waiting`. (NIO's pipelining handler would do the
    /// same, at the price of two epoll_ctl calls per request to pause and resume reading.)
    private var current: HTTPRequestHead?
    private var waiting: [(HTTPRequestHead, ByteBuffer)] = []
    private static let maxWaiting = 16
    private var responder: HTTPPostResponder?
    /// The 2026-07-28 request being answered: closing the connection cancels it.
    private var modernSession: DownstreamSession?
    private var stream: (SSEDownstreamStream, DownstreamSession)?
    private let legacySSE: LegacySSEEndpoint
    private let admin: AdminAPI
    /// This connection's `GET /sse` stream (HTTP+SSE), whose closing ends its session.
    private var legacyStream: LegacySSEConnection?
    /// The verified client certificate's principal (mutual TLS), read once after the handshake.
    private var certificatePrincipal: Principal?
    /// The API key this connection proved last: its next requests skip the lookup.
    private var rememberedKey: RememberedKey?

    init(gateway: Gateway, origins: OriginPolicy, legacySSE: LegacySSEEndpoint, admin: AdminAPI) {
        self.gateway = gateway
        self.origins = origins
        self.legacySSE = legacySSE
        self.admin = admin
    }

    private var limits: LimitsConfig { gateway.config.limits }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = nil
            self.rejected = false
            if let length = head.headers.first(name: "Content-Length").flatMap(Int.init), length > limits.maxBodyBytes {
                rejected = true
                if current == nil {
                    current = head
                    respond(context, .payloadTooLarge, jsonError: .invalidRequest, "Request body larger than \(limits.maxBodyBytes) bytes", forceClose: true)
                } else {
                    context.close(promise: nil)
                }
            }
        case .body(var chunk):
            guard !rejected else { return }
            if body == nil {
                body = chunk  // the common single-chunk body is not copied
            } else {
                body!.writeBuffer(&chunk)
            }
            if body!.readableBytes > limits.maxBodyBytes {
                rejected = true
                body = nil
                if current == nil {
                    current = head
                    respond(context, .payloadTooLarge, jsonError: .invalidRequest, "Request body larger than \(limits.maxBodyBytes) bytes", forceClose: true)
                } else {
                    context.close(promise: nil)
                }
            }
        case .end:
            guard !rejected, let head else { return }
            let request = (head, body ?? ByteBuffer())
            self.head = nil
            self.body = nil
            if current == nil {
                start(context, request)
            } else if waiting.count < Self.maxWaiting {
                waiting.append(request)
            } else {
                context.close(promise: nil)
            }
        }
    }

    private func start(_ context: ChannelHandlerContext, _ request: (HTTPRequestHead, ByteBuffer)) {
        current = request.0
        route(context, head: request.0, body: request.1)
    }

    /// The answer to `current` is written: the next waiting request may go.
    private func finished(_ context: ChannelHandlerContext) {
        current = nil
        responder = nil
        endModern(cancel: false)
        guard !waiting.isEmpty, context.channel.isActive else { return }
        start(context, waiting.removeFirst())
    }

    /// Bytes that are not HTTP/1.1: a 400 when nothing else is being answered, then close.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, current == nil, responder == nil, stream == nil else {
            context.close(promise: nil)
            return
        }
        current = nil
        rejected = true
        respond(context, .badRequest, contentType: "text/plain", body: ByteBuffer(string: "bad HTTP request\n"), forceClose: true)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let identified = event as? ClientCertificatePrincipal { certificatePrincipal = identified.principal }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A legacy client disconnecting is not a cancel (spec digest §3.1): calls go on and
        // their answers are dropped; the session stays.
        responder?.connectionClosed()
        responder = nil
        // A 2026-07-28 client closing its stream cancels the request (and ends a listen).
        endModern(cancel: true)
        waiting.removeAll()
        if let (stream, session) = stream {
            stream.connectionClosed()
            session.detach(stream: stream)
        }
        if let legacyStream {
            self.legacyStream = nil
            legacySSE.closed(legacyStream)
        }
        context.fireChannelInactive()
    }

    private func route(_ context: ChannelHandlerContext, head: HTTPRequestHead, body: ByteBuffer) {
        let path = head.uri.firstIndex(of: "?").map { head.uri[..<$0] } ?? head.uri[...]
        let endpoint = GatewayPath(path)
        switch endpoint {
        case .mcp(let name), .legacyStream(let name), .legacyMessages(let name):
            guard origins.permits(head.headers.first(name: "Origin")) else {
                respond(context, .forbidden, jsonError: .invalidRequest, "Origin not allowed")
                return
            }
            var virtualServer: String?
            if let name {
                guard let known = gateway.governance.virtualServer(named: name) else {
                    respond(context, .notFound, jsonError: .invalidRequest, "Unknown virtual server")
                    return
                }
                virtualServer = known
            }
            withCaller(context, head: head, virtualServer: virtualServer) { handler, context, caller in
                handler.serve(context, endpoint: endpoint, path: path, head: head, body: body, caller: caller, virtualServer: virtualServer)
            }
        case .resourceMetadata(let resourcePath):
            guard head.method == .GET || head.method == .HEAD else {
                respond(context, .methodNotAllowed, headers: [("Allow", "GET")], jsonError: .invalidRequest, "Method not allowed")
                return
            }
            guard let document = gateway.governance.resourceMetadata(resourcePath: resourcePath, head: head) else {
                respond(context, .notFound, contentType: "text/plain", body: ByteBuffer(string: "not found\n"))
                return
            }
            respond(context, .ok, headers: [("Cache-Control", "max-age=300")], body: document)
        case .admin:
            guard origins.permits(head.headers.first(name: "Origin")) else {
                respond(context, .forbidden, jsonError: .invalidRequest, "Origin not allowed")
                return
            }
            withCaller(context, head: head, virtualServer: nil) { handler, context, caller in
                let loopBound = NIOLoopBound((handler, context), eventLoop: context.eventLoop)
                handler.admin.serve(head, path: path, body: body, caller: caller, on: context.eventLoop).whenSuccess { reply in
                    let (handler, context) = loopBound.value
                    handler.respond(context, reply.status, body: reply.body)
                }
            }
        case .health:
            respond(context, .ok, contentType: "text/plain", body: ByteBuffer(string: "ok\n"))
        case .readiness:
            respond(context, .ok, contentType: "application/json", body: ReadinessReport.render(gateway))
        case .unknown:
            respond(context, .notFound, contentType: "text/plain", body: ByteBuffer(string: "not found\n"))
        }
    }

    /// Runs `next` with the authenticated caller, or answers 401/403 with the challenge that
    /// tells an OAuth client where the metadata is. A bearer token seen for the first time is
    /// checked off the event loop; the request then resumes here.
    private func withCaller(
        _ context: ChannelHandlerContext,
        head: HTTPRequestHead,
        virtualServer: String?,
        _ next: @escaping (MCPHTTPHandler, ChannelHandlerContext, Principal) -> Void
    ) {
        switch gateway.governance.authenticate(head, virtualServer: virtualServer, certificate: certificatePrincipal, remembered: &rememberedKey, on: context.eventLoop) {
        case .caller(let caller):
            next(self, context, caller)
        case .refused(let refusal):
            refuse(context, refusal)
        case .pending(let future):
            // `next` runs on this loop too: it travels with the handler, not across threads.
            let loopBound = NIOLoopBound((self, context, next), eventLoop: context.eventLoop)
            future.whenComplete { result in
                let (handler, context, next) = loopBound.value
                guard context.channel.isActive else { return }
                switch result {
                case .success(let caller): next(handler, context, caller)
                case .failure(let error): handler.refuse(context, error as? AuthRefusal ?? .unavailable)
                }
            }
        }
    }

    private func refuse(_ context: ChannelHandlerContext, _ refusal: AuthRefusal) {
        respond(context, refusal.status, headers: refusal.headers, body: refusal.body)
    }

    private func serve(
        _ context: ChannelHandlerContext, endpoint: GatewayPath, path: Substring, head: HTTPRequestHead, body: ByteBuffer,
        caller: Principal, virtualServer: String?
    ) {
        switch endpoint {
        case .mcp:
            var access = RequestAccess(caller: caller, virtualServer: virtualServer)
            if caller.kind == .jwt { access.bearerToken = CallerCredential(head.headers).jwtText }
            switch head.method {
            case .POST: post(context, head: head, body: body, access: access)
            case .GET: openStream(context, head: head, access: access)
            case .DELETE: delete(context, head: head, access: access)
            default:
                respond(context, .methodNotAllowed, headers: [("Allow", "GET, POST, DELETE")], jsonError: .invalidRequest, "Method not allowed")
            }
        default:
            let bearer = caller.kind == .jwt ? CallerCredential(head.headers).jwtText : nil
            switch legacySSE.serve(endpoint: endpoint, head: head, body: body, channel: context.channel, caller: caller, virtualServer: virtualServer, bearerToken: bearer) {
            case .streaming(let connection): legacyStream = connection
            case .reply(let status, let headers, let body): respond(context, status, headers: headers, body: body)
            }
        }
    }

    // MARK: POST

    private func post(_ context: ChannelHandlerContext, head: HTTPRequestHead, body: ByteBuffer, access: RequestAccess) {
        guard let contentType = head.headers.first(name: "Content-Type"), ASCII.hasPrefix(contentType, "application/json") else {
            respond(context, .unsupportedMediaType, jsonError: .invalidRequest, "Content-Type must be application/json")
            return
        }
        let accept = AcceptHeader(head.headers)
        guard accept.json || accept.eventStream else {
            respond(context, .notAcceptable, jsonError: .invalidRequest, "Accept must list application/json and text/event-stream")
            return
        }
        if body.readableBytesView.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "[") {
            batch(context, head: head, body: body, access: access)
            return
        }
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.parse(body, maxDepth: limits.maxJSONDepth)
        } catch {
            respond(context, .badRequest, body: JSONRPCEncoding.error(id: nil, code: error.code, message: error.message))
            return
        }
        // A request with the 2026-07-28 envelope and no legacy session is modern (digest §1.5).
        // (`contains` makes no String of the long sealed id; `session(...)` reads it once.)
        if !head.headers.contains(name: "Mcp-Session-Id"), message.method != MCPMethod.initialize,
            ModernRequest.isModern(message) || head.headers.first(name: "MCP-Protocol-Version").map(ProtocolRevision.modern.contains) == true
        {
            postModern(context, head: head, message: message, acceptsEventStream: accept.eventStream, access: access)
            return
        }
        if let version = head.headers.first(name: "MCP-Protocol-Version"), !ProtocolRevision.legacy.contains(version) {
            respond(context, .badRequest, id: message.id, jsonError: .invalidRequest, "Unsupported MCP-Protocol-Version: \(version)")
            return
        }
        if message.method == MCPMethod.initialize {
            guard message.kind == .request else {
                respond(context, .badRequest, jsonError: .invalidRequest, "initialize must be a request")
                return
            }
            initialize(context, head: head, message: message, access: access)
            return
        }
        guard let session = session(context, head: head, id: message.id, access: access) else { return }
        switch message.kind {
        case .request:
            let responder = makeResponder(context, head: head, acceptsEventStream: accept.eventStream)
            gateway.handle(message, session: session, caller: access.requestCaller, responder: responder, on: context.eventLoop)
        case .notification, .response, .errorResponse:
            respond(context, .accepted, body: nil)
            gateway.handle(message, session: session, caller: access.requestCaller, responder: NoResponder.shared, on: context.eventLoop)
        }
    }

    /// A 2026-07-28 request: headers checked against the body, then handled with a session
    /// that lives as long as this one request (or listen stream). The client closing the
    /// connection cancels it (digest §1.4), unlike a legacy client's.
    private func postModern(_ context: ChannelHandlerContext, head: HTTPRequestHead, message: JSONRPCMessage, acceptsEventStream: Bool, access: RequestAccess) {
        switch message.kind {
        case .notification:
            // Core 2026-07-28 defines no client notification over HTTP; accepted and dropped.
            respond(context, .accepted, body: nil)
            return
        case .response, .errorResponse:
            respond(context, .badRequest, jsonError: .invalidRequest, "Invalid request: 2026-07-28 clients send no responses")
            return
        case .request:
            break
        }
        let request: ModernRequest
        switch ModernRequest.check(message, headers: head.headers, annotated: gateway.paramHeaders.params(for:)) {
        case .success(let checked): request = checked
        case .failure(let rejection):
            GatewayMetrics.gatewayErrors.increment("modern-rejected")
            respond(context, rejection.status, body: rejection.body)
            return
        }
        guard gateway.admitModern() else {
            respond(context, .serviceUnavailable, body: GatewayError.overloaded("too many sessions and requests in flight").response(id: message.id))
            return
        }
        let session = DownstreamSession(
            id: "", revision: request.version, clientCapabilities: request.capabilities, clientName: request.clientName, tap: gateway.tap,
            principal: access.caller, virtualServer: access.virtualServer
        )
        session.logLevel = request.logLevel
        modernSession = session
        let responder = makeResponder(context, head: head, acceptsEventStream: acceptsEventStream)
        gateway.handle(message, session: session, caller: access.requestCaller, responder: responder, on: context.eventLoop)
    }

    /// The 2026-07-28 request is answered, or its client left (which cancels it).
    private func endModern(cancel: Bool) {
        guard let session = modernSession else { return }
        modernSession = nil
        if cancel { session.close() }
        gateway.modernRequestEnded(session)
    }

    private func initialize(_ context: ChannelHandlerContext, head: HTTPRequestHead, message: JSONRPCMessage, access: RequestAccess) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        gateway.initialize(message, caller: access.caller, virtualServer: access.virtualServer, on: context.eventLoop).whenComplete { result in
            let (handler, context) = loopBound.value
            switch result {
            case .success(let (session, response)):
                handler.respond(context, .ok, headers: [("Mcp-Session-Id", session.id)], contentType: "application/json", body: response)
            case .failure(let error):
                let gatewayError = GatewayError(error)
                handler.respond(context, .serviceUnavailable, body: gatewayError.response(id: message.id))
            }
        }
    }

    /// A JSON-RPC batch, which only 2025-03-26 allows (spec digest §1.3): every message is
    /// handled as if posted alone; the responses to its requests come back as one JSON array,
    /// or 202 when it held no request. `initialize` must not be batched.
    private func batch(_ context: ChannelHandlerContext, head: HTTPRequestHead, body: ByteBuffer, access: RequestAccess) {
        let root: JSONView
        do {
            root = try JSONView.parse(body, maxDepth: limits.maxJSONDepth)
        } catch {
            respond(context, .badRequest, body: JSONRPCEncoding.error(id: nil, code: JSONRPCErrorCode.parseError, message: "Parse error: \(error)"))
            return
        }
        let elements = root.elements
        guard !elements.isEmpty else {
            respond(context, .badRequest, jsonError: .invalidRequest, "Invalid request: empty batch")
            return
        }
        guard let session = session(context, head: head, id: nil, access: access) else { return }
        guard session.revision == "2025-03-26" else {
            respond(context, .badRequest, jsonError: .invalidRequest, "Invalid request: JSON-RPC batches exist only in protocol 2025-03-26")
            return
        }
        var messages: [JSONRPCMessage] = []
        var invalid: [ByteBuffer] = []
        for element in elements {
            do {
                let message = try JSONRPCMessage(element)
                if message.method == MCPMethod.initialize {
                    invalid.append(JSONRPCEncoding.error(id: message.id, code: JSONRPCErrorCode.invalidRequest, message: "Invalid request: initialize must not be batched"))
                } else {
                    messages.append(message)
                }
            } catch {
                invalid.append(JSONRPCEncoding.error(id: nil, code: error.code, message: error.message))
            }
        }
        let requests = messages.filter { $0.kind == .request }
        guard !requests.isEmpty else {
            // Only notifications and responses (and maybe unreadable entries): nothing to wait for.
            if invalid.isEmpty {
                respond(context, .accepted, body: nil)
            } else {
                respond(context, .ok, body: BatchResponder.array(invalid))
            }
            for message in messages { gateway.handle(message, session: session, caller: access.requestCaller, responder: NoResponder.shared, on: context.eventLoop) }
            return
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let rejected = invalid
        let batch = BatchResponder(requests: requests.count) { responses in
            loop.execute {
                let (handler, context) = loopBound.value
                handler.respond(context, .ok, body: BatchResponder.array(rejected + responses))
            }
        }
        var index = 0
        for message in messages {
            if message.kind == .request {
                gateway.handle(message, session: session, caller: access.requestCaller, responder: batch.part(index), on: context.eventLoop)
                index += 1
            } else {
                gateway.handle(message, session: session, caller: access.requestCaller, responder: NoResponder.shared, on: context.eventLoop)
            }
        }
    }

    /// The session named by `Mcp-Session-Id`: 400 when missing, 404 when unknown (the client
    /// then starts over with `initialize`).
    private func session(_ context: ChannelHandlerContext, head: HTTPRequestHead, id: JSONRPCID?, access: RequestAccess) -> DownstreamSession? {
        guard let sessionID = head.headers.first(name: "Mcp-Session-Id") else {
            respond(context, .badRequest, id: id, jsonError: .invalidRequest, "Missing Mcp-Session-Id header")
            return nil
        }
        guard let session = gateway.session(id: sessionID, caller: access.caller, virtualServer: access.virtualServer) else {
            respond(context, .notFound, id: id, jsonError: .invalidRequest, "Session not found")
            return nil
        }
        return session
    }

    private func makeResponder(_ context: ChannelHandlerContext, head: HTTPRequestHead, acceptsEventStream: Bool) -> HTTPPostResponder {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let responder = HTTPPostResponder(channel: context.channel, keepAlive: head.isKeepAlive, acceptsEventStream: acceptsEventStream) {
            let (handler, context) = loopBound.value
            handler.finished(context)
        }
        self.responder = responder
        return responder
    }

    // MARK: GET and DELETE

    private func openStream(_ context: ChannelHandlerContext, head: HTTPRequestHead, access: RequestAccess) {
        // Without a legacy session there is no stream to open: 2026-07-28 has no GET (§1.5).
        guard head.headers.contains(name: "Mcp-Session-Id") else {
            respond(context, .methodNotAllowed, headers: [("Allow", "POST")], jsonError: .invalidRequest, "GET needs an Mcp-Session-Id (2026-07-28 clients use POST only)")
            return
        }
        guard AcceptHeader(head.headers).eventStream else {
            respond(context, .notAcceptable, jsonError: .invalidRequest, "Accept must list text/event-stream")
            return
        }
        guard let session = session(context, head: head, id: nil, access: access) else { return }
        let stream = SSEDownstreamStream(channel: context.channel, keepAlive: gateway.config.sessions.keepAlive.timeAmount)
        self.stream = (stream, session)
        session.attach(stream: stream)
    }

    private func delete(_ context: ChannelHandlerContext, head: HTTPRequestHead, access: RequestAccess) {
        guard head.headers.contains(name: "Mcp-Session-Id") else {
            respond(context, .methodNotAllowed, headers: [("Allow", "POST")], jsonError: .invalidRequest, "DELETE needs an Mcp-Session-Id")
            return
        }
        guard let session = session(context, head: head, id: nil, access: access) else { return }
        gateway.endSession(id: session.id)
        respond(context, .ok, body: nil)
    }

    // MARK: Writing

    private enum JSONErrorKind { case invalidRequest }

    private func respond(
        _ context: ChannelHandlerContext,
        _ status: HTTPResponseStatus,
        id: JSONRPCID? = nil,
        headers: [(String, String)] = [],
        jsonError: JSONErrorKind,
        _ text: String,
        forceClose: Bool = false
    ) {
        respond(context, status, headers: headers, body: JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.invalidRequest, message: text), forceClose: forceClose)
    }

    private func respond(
        _ context: ChannelHandlerContext,
        _ status: HTTPResponseStatus,
        headers extra: [(String, String)] = [],
        contentType: String = "application/json",
        body: ByteBuffer?,
        forceClose: Bool = false
    ) {
        var headers = HTTPHeaders()
        if let body {
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(body.readableBytes))
        } else {
            headers.add(name: "Content-Length", value: "0")
        }
        for (n, v) in extra { headers.add(name: n, value: v) }
        let close = forceClose || !(current?.isKeepAlive ?? false)
        if close { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if close { channel.close(promise: nil) }
        }
        if close {
            waiting.removeAll()
        } else {
            finished(context)
        }
    }
}
