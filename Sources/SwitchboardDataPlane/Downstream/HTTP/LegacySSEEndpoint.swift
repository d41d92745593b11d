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
    /// What the channel handler does with a request for `/sse` or `/messages`.
    enum Outcome {
        /// The GET is answered with an event stream that stays open; the connection is the
        /// handler's to close when the channel goes inactive.
        case streaming(LegacySSEConnection)
        /// A plain HTTP answer: `202` with no body, or an error with a JSON-RPC error body.
        case reply(HTTPResponseStatus, headers: [(String, String)], body: ByteBuffer?)
    }

    private let gateway: Gateway
    private let connections = Mutex<[String: LegacySSEConnection]>([:])

    init(gateway: Gateway) {
        self.gateway = gateway
    }

    /// Serves a request for the stream or the messages endpoint (Origin checked and caller
    /// authenticated already). A stream belongs to the caller that opened it, on the endpoint
    /// it was opened on: posts from anyone else, or through another path, find no session.
    func serve(
        endpoint: GatewayPath, head: HTTPRequestHead, body: ByteBuffer, channel: any Channel, caller: Principal, virtualServer: String?,
        bearerToken: String? = nil
    ) -> Outcome {
        if case .legacyStream = endpoint {
            guard head.method == .GET else { return Self.error(.methodNotAllowed, headers: [("Allow", "GET")], "Method not allowed") }
            return open(head: head, channel: channel, caller: caller, virtualServer: virtualServer)
        }
        guard head.method == .POST else { return Self.error(.methodNotAllowed, headers: [("Allow", "POST")], "Method not allowed") }
        return post(head: head, body: body, loop: channel.eventLoop, caller: caller, virtualServer: virtualServer, bearerToken: bearerToken)
    }

    // MARK: GET /sse

    private func open(head: HTTPRequestHead, channel: any Channel, caller: Principal, virtualServer: String?) -> Outcome {
        guard AcceptHeader(head.headers).eventStream else {
            return Self.error(.notAcceptable, "Accept must list text/event-stream")
        }
        let token = SessionID.generate()
        let limit = gateway.config.sessions.maxSessions
        // Streams that never initialize hold no session, so they are bounded here instead.
        let admitted = connections.withLock { $0.count < limit }
        guard admitted else { return Self.error(.serviceUnavailable, "Too many sessions") }
        let stream = SSEDownstreamStream(channel: channel, keepAlive: gateway.config.sessions.keepAlive.timeAmount)
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
        channel.eventLoop.scheduleTask(in: Self.initializeWait(gateway.config.sessions.idleTimeout)) {
            if case .awaitingInitialize = connection.currentPhase { connection.stream.close() }
        }
        gateway.logger.debug("legacy SSE stream opened", metadata: ["switchboard.token": "\(token.prefix(8))"])
        return .streaming(connection)
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
            gateway.endSession(id: session.id, revoke: false)
        }
        gateway.logger.debug("legacy SSE stream closed", metadata: ["switchboard.token": "\(connection.token.prefix(8))"])
    }

    // MARK: POST /messages

    private func post(head: HTTPRequestHead, body: ByteBuffer, loop: any EventLoop, caller: Principal, virtualServer: String?, bearerToken: String?) -> Outcome {
        guard let token = Self.sessionID(in: head.uri) else {
            return Self.error(.badRequest, "Missing sessionId query parameter")
        }
        guard let connection = connections.withLock({ $0[token] }), connection.owner.isSameCaller(as: caller),
            connection.virtualServer == virtualServer
        else {
            return Self.error(.notFound, "Session not found")
        }
        guard let contentType = head.headers.first(name: "Content-Type"), ASCII.hasPrefix(contentType, "application/json") else {
            return Self.error(.unsupportedMediaType, "Content-Type must be application/json")
        }
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.parse(body, maxDepth: gateway.config.limits.maxJSONDepth)
        } catch {
            return .reply(.badRequest, headers: [], body: JSONRPCEncoding.error(id: nil, code: error.code, message: error.message))
        }
        switch connection.currentPhase {
        case .closed:
            return Self.error(.notFound, id: message.id, "Session not found")
        case .awaitingInitialize, .initializing:
            guard message.method == MCPMethod.initialize, message.kind == .request else {
                return Self.error(.badRequest, id: message.id, "Invalid request: initialize first")
            }
            guard connection.beginInitialize() else {
                return Self.error(.badRequest, id: message.id, "Invalid request: initialize is already under way")
            }
            initialize(message, connection: connection, loop: loop)
        case .ready(let session):
            // Handed over before the 202 is written: writing it lets the connection's next
            // pipelined request start, which must not overtake this one.
            let responder: any DownstreamResponder = message.kind == .request ? connection.responder : NoResponder.shared
            gateway.handle(message, session: session, caller: RequestCaller(principal: caller, bearerToken: bearerToken), responder: responder, on: loop)
        }
        return .reply(.accepted, headers: [], body: nil)
    }

    private func initialize(_ message: JSONRPCMessage, connection: LegacySSEConnection, loop: any EventLoop) {
        let gateway = self.gateway
        gateway.initialize(message, caller: connection.owner, virtualServer: connection.virtualServer, on: loop).whenComplete { result in
            switch result {
            case .success(let (session, response)):
                guard connection.ready(session) else {
                    gateway.endSession(id: session.id, revoke: false)
                    return
                }
                // The response goes out before the stream is attached, so no notification
                // broadcast meanwhile can overtake it. The gateway has recorded it already.
                _ = connection.stream.send(response)
                session.attach(stream: connection.stream)
            case .failure(let error):
                connection.initializeFailed()
                _ = connection.stream.send(GatewayError(error).response(id: message.id))
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

    private static func error(_ status: HTTPResponseStatus, id: JSONRPCID? = nil, headers: [(String, String)] = [], _ text: String) -> Outcome {
        .reply(status, headers: headers, body: JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.invalidRequest, message: text))
    }
}
