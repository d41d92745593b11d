import NIOCore
import NIOHTTP1
import SwitchboardCore

extension StreamableHTTPEndpoint {
    /// A JSON-RPC batch, which only 2025-03-26 allows (spec digest §1.3): every message is
    /// handled as if posted alone; the responses to its requests come back as one JSON array,
    /// or 202 when it held no request. `initialize` must not be batched.
    func batch(_ request: HTTPRequest, on connection: some HTTPConnection) -> HTTPOutcome {
        let root: JSONView
        do {
            root = try JSONView.parse(request.body, maxDepth: limits.maxJSONDepth)
        } catch {
            return .reply(HTTPRefusal.unreadable(code: JSONRPCErrorCode.parseError, message: "Parse error: \(error)"))
        }
        let elements = root.elements
        guard !elements.isEmpty else { return .reply(HTTPRefusal.invalidRequest(.badRequest, "Invalid request: empty batch")) }
        let session: DownstreamSession
        switch self.session(request, id: nil) {
        case .success(let found): session = found
        case .failure(let refusal): return .reply(refusal.reply)
        }
        guard session.revision == "2025-03-26" else {
            return .reply(HTTPRefusal.invalidRequest(.badRequest, "Invalid request: JSON-RPC batches exist only in protocol 2025-03-26"))
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
        let loop = connection.channel.eventLoop
        func handle(_ message: JSONRPCMessage, _ responder: any DownstreamResponder) {
            gateway.handle(MCPExchange(
                message: message, session: session, caller: request.caller, responder: responder, loop: loop, received: request.received,
                traceHeaders: request.traceHeaders(for: session)
            ))
        }
        let requests = messages.filter { $0.kind == .request }
        guard !requests.isEmpty else {
            // Only notifications and responses (and maybe unreadable entries): nothing to wait for.
            for message in messages { handle(message, NoResponder.shared) }
            return .reply(invalid.isEmpty ? HTTPReply(.accepted, body: nil) : HTTPReply(.ok, body: BatchResponder.array(invalid)))
        }
        let answered = loop.makePromise(of: HTTPOutcome.self)
        let rejected = invalid
        let batch = BatchResponder(requests: requests.count) { responses in
            answered.succeed(.reply(HTTPReply(.ok, body: BatchResponder.array(rejected + responses))))
        }
        var index = 0
        for message in messages {
            if message.kind == .request {
                handle(message, batch.part(index))
                index += 1
            } else {
                handle(message, NoResponder.shared)
            }
        }
        return .later(answered.futureResult)
    }
}
