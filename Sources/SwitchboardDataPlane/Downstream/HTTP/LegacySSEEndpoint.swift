import Synchronization
import NIOCore
import NIOHTTP1
import Logging
import SwitchboardCore
import SwitchboardPolicy

/// The legacy HTTP+SSE transport toward 2024-11-05 clients (spec digest §1.2, PRODUCT.md):
/// `GET /sse` opens an event stream whose first event, `endpoint`, names the POST target
/// `/messages?sessionId=<token>`; each POST is answered `202` at once and everything the
/// gateway sends back, responses included, is a `message` event on that stream.
///
/// One per listener: the stream and the POSTs arrive on different connections, possibly on
/// different event loops, and meet in the token table. Everything runs on the loop of the
/// connection it came in on; the table is a short lock.
final class LegacySSEEndpoint: Sendable {
    private let gateway: Gateway
    private let sessions: SessionsConfig
    private let maxJSONDepth: Int
    private let connections = Mutex<[String: LegacySSEConnection]>([:])

    init(gateway: Gateway, sessions: SessionsConfig, limits: LimitsConfig) {
        self.gateway = gateway
        self.sessions = sessions
        self.maxJSONDepth = limits.maxJSONDepth
    }

    /// Serves a request for the stream or the messages endpoint (Origin checked and caller
    /// authenticated already). A stream belongs to the caller that opened it, on the endpoint
    /// it was opened on: posts from anyone else, or through another path, find no session.
    func serve(_ endpoint: GatewayPath, _ request: HTTPRequest, channel: any Channel) -> HTTPOutcome {
        if case .legacyStream = endpoint {
            guard request.head.method == .GET else { return .reply(HTTPRefusal.methodNotAllowed(allow: "GET")) }
            return open(request, channel: channel)
        }
        guard request.head.method == .POST else { return .reply(HTTPRefusal.methodNotAllowed(allow: "POST")) }
        return .reply(post(request, loop: channel.eventLoop))
    }

    // MARK: GET /sse

    private func open(_ request: HTTPRequest, channel: any Channel) -> HTTPOutcome {
        guard AcceptHeader(request.head.headers).eventStream else {
            return .reply(HTTPRefusal.notAcceptable("Accept must list text/event-stream"))
        }
        let token = SessionID.generate()
        let limit = sessions.maxSessions
        // Streams that never initialize hold no session, so they are bounded here instead.
        let admitted = connections.withLock { $0.count < limit }
        guard admitted else { return .reply(HTTPRefusal.invalidRequest(.serviceUnavailable, "Too many sessions")) }
        let caller = request.caller.principal
        let virtualServer = request.virtualServer
        let stream = SSEDownstreamStream(channel: channel, keepAlive: sessions.keepAlive.timeAmount)
        let connection = LegacySSEConnection(token: token, stream: stream, owner: caller, virtualServer: virtualServer)
        connections.withLock { $0[token] = connection }
        var event = ByteBuffer()
        event.writeStaticString("event: endpoint\ndata: ")
        event.writeString(virtualServer.map { GatewayPath.mcpPath(virtualServer: $0) + "/messages" } ?? "/messages")
        event.writeStaticString("?sessionId=")
        event.writeString(token)
        event.writeStaticString("\n\n")
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(event)), promise: nil)
        // A stream that never initializes holds a slot and is never swept as an idle session:
        // it gets as long as an idle session would, then it is closed.
        channel.eventLoop.scheduleTask(in: Self.initializeWait(sessions.idleTimeout)) {
            if case .awaitingInitialize = connection.currentPhase { connection.stream.close() }
        }
        gateway.logger.debug("legacy SSE stream opened", metadata: ["switchboard.token": "\(token.prefix(8))"])
        return .legacyStream(connection)
    }

    /// How long a new stream may wait for its `initialize`: the idle timeout, at most a minute.
    static func initializeWait(_ idle: Duration) -> TimeAmount {
        min(idle, .seconds(60)).timeAmount
    }

    /// The GET stream's connection closed: an HTTP+SSE session lives as long as its stream.
    func closed(_ connection: LegacySSEConnection) {
        connections.withLock { table in
            if table[connection.token] === connection { table[connection.token] = nil }
        }
        connection.stream.connectionClosed()
        if let session = connection.close() {
            session.detach(stream: connection.stream)
            gateway.endSession(session, revoke: false, why: "its event stream closed")
        }
        gateway.logger.debug("legacy SSE stream closed", metadata: ["switchboard.token": "\(connection.token.prefix(8))"])
    }

    // MARK: POST /messages

    private func post(_ request: HTTPRequest, loop: any EventLoop) -> HTTPReply {
        guard let token = Self.sessionID(in: request.head.uri) else {
            return HTTPRefusal.invalidRequest(.badRequest, "Missing sessionId query parameter")
        }
        guard let connection = connections.withLock({ $0[token] }), connection.owner.isSameCaller(as: request.caller.principal),
            connection.virtualServer == request.virtualServer
        else {
            return HTTPRefusal.sessionNotFound(id: nil)
        }
        guard let contentType = request.head.headers.first(name: "Content-Type"), ASCII.hasPrefix(contentType, "application/json") else {
            return HTTPRefusal.unsupportedMediaType
        }
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.parse(request.body, maxDepth: maxJSONDepth)
        } catch {
            return HTTPRefusal.unreadable(code: error.code, message: error.message)
        }
        switch connection.currentPhase {
        case .closed:
            return HTTPRefusal.sessionNotFound(id: message.id)
        case .awaitingInitialize, .initializing:
            guard message.method == MCPMethod.initialize, message.kind == .request else {
                return HTTPRefusal.invalidRequest(.badRequest, "Invalid request: initialize first", id: message.id)
            }
            guard connection.beginInitialize() else {
                return HTTPRefusal.invalidRequest(.badRequest, "Invalid request: initialize is already under way", id: message.id)
            }
            initialize(message, connection: connection, loop: loop)
        case .ready(let session):
            // Handed over before the 202 is written: writing it lets the connection's next
            // pipelined request start, which must not overtake this one.
            let responder: any DownstreamResponder = message.kind == .request ? connection.responder : NoResponder.shared
            gateway.handle(MCPExchange(
                message: message, session: session, caller: request.caller, responder: responder, loop: loop, received: request.received,
                traceHeaders: request.traceHeaders(for: session)
            ))
        }
        return HTTPReply(.accepted, body: nil)
    }

    private func initialize(_ message: JSONRPCMessage, connection: LegacySSEConnection, loop: any EventLoop) {
        let gateway = self.gateway
        gateway.initialize(message, caller: connection.owner, virtualServer: connection.virtualServer, on: loop).whenComplete { result in
            switch result {
            case .success(let (session, response)):
                guard connection.ready(session) else {
                    gateway.endSession(session, revoke: false, why: "its event stream closed before initialize was answered")
                    return
                }
                // The response goes out before the stream is attached, so no notification
                // broadcast meanwhile can overtake it. The gateway has recorded it already.
                _ = connection.stream.send(response)
                session.attach(stream: connection.stream)
            case .failure(let error):
                connection.initializeFailed()
                _ = connection.stream.send(ErrorReply(GatewayError(error), id: message.id, modernClient: false).body)
            }
        }
    }

    /// The `sessionId` query parameter; tokens are hex, so no percent-decoding is needed.
    static func sessionID(in uri: String) -> String? {
        guard let question = uri.firstIndex(of: "?") else { return nil }
        for pair in uri[uri.index(after: question)...].split(separator: "&") {
            guard pair.hasPrefix("sessionId=") else { continue }
            let value = pair.dropFirst("sessionId=".count)
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }
}
