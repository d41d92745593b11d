import Logging
import NIOCore
import NIOHTTP1

extension HTTPConnection {
    /// POST: one JSON-RPC message. Requests get JSON or an event stream, everything else 202.
    func post(_ head: HTTPRequestHead, _ body: ByteBuffer, _ outbound: HTTPOutbound) async throws {
        let keepAlive = head.isKeepAlive
        guard HTTPRequestChecks.accepts(head.headers, all: ["application/json", "text/event-stream"]) else {
            let error = JSONRPCError.invalidRequest("Not acceptable: Accept must list application/json and text/event-stream")
            return try await outbound.write(contentsOf: HTTPResponses.refusal(.notAcceptable, error, keepAlive: keepAlive))
        }
        guard HTTPRequestChecks.isJSONContent(head.headers) else {
            let error = JSONRPCError.invalidRequest("Unsupported media type: Content-Type must be application/json")
            return try await outbound.write(
                contentsOf: HTTPResponses.refusal(.unsupportedMediaType, error, keepAlive: keepAlive)
            )
        }
        let message: JSONRPCMessage
        switch JSONRPCMessage.decode(body.readableBytesView) {
        case .success(let decoded):
            message = decoded
        case .failure(let rejection):
            let response = JSONRPCEnvelope.error(id: rejection.id, rejection.error)
            return try await outbound.write(contentsOf: HTTPResponses.json(.badRequest, response, keepAlive: keepAlive))
        }
        if case .request(let request) = message, request.method == "initialize" {
            return try await initialize(request, keepAlive: keepAlive, outbound)
        }
        guard let session = try await requireSession(head, outbound) else { return }
        switch message {
        case .request(let request):
            let responder = PostResponder(outbound: outbound, keepAlive: keepAlive)
            let response = await core.respond(to: request, in: session.mcp, notify: responder.send)
            try await responder.finish(with: response)
        case .notification(let method, let params):
            core.receive(method: method, params: params, in: session.mcp)
            try await outbound.write(contentsOf: HTTPResponses.empty(.accepted, keepAlive: keepAlive))
        case .response:
            try await outbound.write(contentsOf: HTTPResponses.empty(.accepted, keepAlive: keepAlive))
        }
    }

    /// `initialize` opens a session; its id is issued only if the handshake succeeds.
    private func initialize(_ request: JSONRPCRequest, keepAlive: Bool, _ outbound: HTTPOutbound) async throws {
        let session = sessions.makeSession()
        let response = await core.respond(to: request, in: session.mcp, notify: { _ in })
        var headers: [(String, String)] = []
        if let response, response["result"] != nil {
            sessions.register(session)
            headers.append((HTTPResponses.sessionHeader, session.id))
            logger.debug("demo http session created", metadata: ["switchboard.session": "\(session.id)"])
        }
        try await outbound.write(
            contentsOf: HTTPResponses.json(.ok, response ?? .null, keepAlive: keepAlive, headers: headers)
        )
    }

    /// GET: a stream for server-initiated messages. The demo server has none to send, so the stream
    /// only carries keep-alive comments until the client leaves or the session ends.
    func get(_ head: HTTPRequestHead, _ outbound: HTTPOutbound) async throws {
        guard HTTPRequestChecks.accepts(head.headers, all: ["text/event-stream"]) else {
            let error = JSONRPCError.invalidRequest("Not acceptable: Accept must list text/event-stream")
            return try await outbound.write(
                contentsOf: HTTPResponses.refusal(.notAcceptable, error, keepAlive: head.isKeepAlive)
            )
        }
        guard let session = try await requireSession(head, outbound) else { return }
        let (ticks, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        guard let streamID = session.openStream(continuation) else {
            let error = JSONRPCError.invalidRequest("Not found: the session has ended")
            return try await outbound.write(contentsOf: HTTPResponses.refusal(.notFound, error, keepAlive: head.isKeepAlive))
        }
        defer { session.closeStream(streamID) }
        try await outbound.write(contentsOf: [HTTPResponses.eventStreamHead(keepAlive: head.isKeepAlive), HTTPResponses.comment("stream open")])
        let interval = core.options.keepAliveInterval
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while true {
                    try await Task.sleep(for: interval)
                    continuation.yield()
                }
            }
            // Ends when the session closes (the continuation finishes) or the server shuts down.
            for await _ in ticks {
                try await outbound.write(HTTPResponses.comment("keep-alive"))
            }
            group.cancelAll()
        }
        try await outbound.write(.end(nil))
    }

    /// DELETE: the client is done with its session.
    func delete(_ head: HTTPRequestHead, _ outbound: HTTPOutbound) async throws {
        guard let session = try await requireSession(head, outbound) else { return }
        _ = sessions.remove(session.id)
        logger.debug("demo http session deleted", metadata: ["switchboard.session": "\(session.id)"])
        try await outbound.write(contentsOf: HTTPResponses.empty(.ok, keepAlive: head.isKeepAlive))
    }

    /// Every request after `initialize` names its session (400 without, 404 for an unknown one)
    /// and, if it sends `MCP-Protocol-Version`, a revision the server speaks (400 otherwise).
    private func requireSession(_ head: HTTPRequestHead, _ outbound: HTTPOutbound) async throws -> HTTPSession? {
        let keepAlive = head.isKeepAlive
        guard let id = head.headers.first(name: HTTPResponses.sessionHeader) else {
            let error = JSONRPCError.invalidRequest("Bad request: Mcp-Session-Id header is required")
            try await outbound.write(contentsOf: HTTPResponses.refusal(.badRequest, error, keepAlive: keepAlive))
            return nil
        }
        guard let session = sessions.session(id) else {
            let error = JSONRPCError.invalidRequest("Not found: unknown or expired session")
            try await outbound.write(contentsOf: HTTPResponses.refusal(.notFound, error, keepAlive: keepAlive))
            return nil
        }
        if let version = head.headers.first(name: "mcp-protocol-version"), ProtocolRevision(rawValue: version) == nil {
            let supported = ProtocolRevision.allCases.map(\.rawValue).joined(separator: ", ")
            let error = JSONRPCError.invalidRequest("Bad request: unsupported MCP-Protocol-Version \(version) (supported: \(supported))")
            try await outbound.write(contentsOf: HTTPResponses.refusal(.badRequest, error, keepAlive: keepAlive))
            return nil
        }
        return session
    }
}
