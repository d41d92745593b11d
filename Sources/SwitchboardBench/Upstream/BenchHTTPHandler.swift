import NIOCore
import NIOHTTP1
import SwitchboardCore

/// Streamable HTTP on `/mcp` for the bench upstream (and `POST /rest/echo`, a REST echo for
/// the OpenAPI row), one connection per instance. Sits right
/// after NIO's request decoder and writes whole raw responses (`BenchHTTPResponse`): every
/// answer is ready as soon as its request is read, so responses leave in request order even
/// when a client pipelines, and no response encoder or pipelining handler is needed. Which
/// era a POST belongs to, and whether it is served, is `BenchEraGate`'s call.
final class BenchHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    /// Larger bodies are refused (413) and the connection closed rather than buffered.
    static let maxBodyBytes = 16 * 1024 * 1024

    private let responder: BenchResponder
    private let gate: BenchEraGate
    private let sessions: BenchSessionIDs
    /// `--oauth`: `/mcp` wants a token, and the OAuth paths answer (`BenchOAuth`).
    private let oauth: Bool
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var refused = false

    init(responder: BenchResponder, gate: BenchEraGate, sessions: BenchSessionIDs, oauth: Bool = false) {
        self.responder = responder
        self.gate = gate
        self.sessions = sessions
        self.oauth = oauth
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
        case .body(let part):
            guard !refused else { return }
            if body == nil {
                body = part
            } else {
                body!.writeImmutableBuffer(part)
            }
            if body!.readableBytes > Self.maxBodyBytes {
                refused = true
                body = nil
                let out = BenchHTTPResponse.status("413 Content Too Large", connection: .close, allocator: context.channel.allocator)
                context.writeAndFlush(wrapOutboundOut(out)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        case .end:
            guard !refused, let head else { return }
            self.head = nil
            respond(to: head, body: body ?? ByteBuffer(), context: context)
            body = nil
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A decoding error leaves the framing unknown; say so if we can and close.
        let out = BenchHTTPResponse.status("400 Bad Request", connection: .close, allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(out)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    private func respond(to head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let connection = BenchHTTPResponse.Connection(head)
        let allocator = context.channel.allocator
        let out: ByteBuffer
        let path = head.uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { head.uri[..<$0] } ?? Substring(head.uri)
        // A 2026-07-28-only server mints no sessions and ignores the header (spec digest §1.4).
        let sessionID = gate.era == .modern ? nil : head.headers.first(name: "mcp-session-id")
        if oauth, path != "/mcp", let answer = BenchOAuth.answer(head, path: path, connection: connection, allocator: allocator) {
            out = answer
        } else if path == "/rest/echo", head.method == .POST {
            // The REST API of scenario 15 (an OpenAPI server): the JSON body, back as it came.
            out = BenchHTTPResponse.json(body, connection: connection, allocator: allocator)
        } else if path != "/mcp" {
            out = BenchHTTPResponse.status("404 Not Found", connection: connection, allocator: allocator)
        } else if oauth, !BenchOAuth.authorized(head.headers) {
            out = BenchOAuth.challenge(head, connection: connection, allocator: allocator)
        } else if let id = sessionID, !sessions.isKnown(id) {
            out = BenchHTTPResponse.status(
                "404 Not Found",
                json: JSONRPCEncoding.error(id: nil, code: JSONRPCErrorCode.invalidRequest, message: "Session not found"),
                connection: connection,
                allocator: allocator
            )
        } else {
            switch head.method {
            case .POST:
                out = post(body, headers: head.headers, inSession: sessionID != nil, connection: connection, allocator: allocator)
            case .DELETE where gate.era != .modern:
                out = BenchHTTPResponse.status("200 OK", connection: connection, allocator: allocator)
            default:
                out = BenchHTTPResponse.status(
                    "405 Method Not Allowed", extraHeaders: "Allow: POST, DELETE\r\n", connection: connection, allocator: allocator
                )
            }
        }
        if case .close = connection {
            refused = true  // anything the client sends after this is not answered
            context.writeAndFlush(wrapOutboundOut(out)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.write(wrapOutboundOut(out), promise: nil)
        }
    }

    private func post(
        _ body: ByteBuffer, headers: HTTPHeaders, inSession: Bool, connection: BenchHTTPResponse.Connection, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.parse(body)
        } catch {
            let answer = JSONRPCEncoding.error(id: nil, code: error.code, message: error.message)
            return BenchHTTPResponse.status("400 Bad Request", json: answer, connection: connection, allocator: allocator)
        }
        let modern: Bool
        switch gate.admit(message, headers: headers, inSession: inSession) {
        case .legacy: modern = false
        case .modern: modern = true
        case .refuse(let refusal):
            return BenchHTTPResponse.status(refusal.status, json: refusal.body, connection: connection, allocator: allocator)
        }
        switch responder.reply(to: message, modern: modern) {
        case .accepted:
            return BenchHTTPResponse.status("202 Accepted", connection: connection, allocator: allocator)
        case .message(let answer):
            let sessionID = message.method == MCPMethod.initialize ? sessions.issue() : nil
            return BenchHTTPResponse.json(answer, sessionID: sessionID, connection: connection, allocator: allocator)
        case .stream(let messages):
            return BenchHTTPResponse.eventStream(messages, connection: connection, allocator: allocator)
        }
    }
}
