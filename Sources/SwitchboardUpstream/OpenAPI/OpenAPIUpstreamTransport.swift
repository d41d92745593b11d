package import Logging
package import NIOCore
import NIOHTTP1
import NIOPosix
package import SwitchboardCore
package import SwitchboardOutbound
import Synchronization

/// A REST API described by OpenAPI, spoken to as if it were an MCP server: the transport
/// answers the handshake and `tools/list` itself from the compiled document, and turns each
/// `tools/call` into one HTTP request on a pooled connection of the caller's event loop (as
/// Streamable HTTP does), its response into the call's result. The upstream session above it
/// sees an ordinary 2025-11-25 server, so naming, policy, quotas, guards, audit and metrics
/// apply unchanged.
///
/// Each request carries the server's `headers`, its `credentials` (tokens, per-user OAuth) and
/// the values of the document's security schemes from `security`; never the caller's own.
/// Redirects are not followed (a 3xx is a tool error), bodies are capped at
/// `max_message_bytes`, and a request gets at most `timeouts.request`.
package final class OpenAPIUpstreamTransport: UpstreamTransport, UpstreamHTTPTargeted {
    private struct State {
        var delegate: (any UpstreamTransportDelegate)?
        var closed = false
        /// Calls in flight by their JSON-RPC id's text, to cancel them.
        var calls: [String: UpstreamHTTPStream] = [:]
    }

    let target: UpstreamHTTPTarget
    package let eventLoop: any EventLoop
    private let service: OpenAPIService
    private let operations: [String: OpenAPIOperation]
    /// The base URL's path, without a trailing `/`.
    private let basePath: String
    /// `{"tools":[…]}`, made once.
    private let toolList: ByteBuffer
    private let clients: UpstreamHTTPClientSet
    private let state = Mutex(State())

    package init(
        serverName: String, api: OpenAPIServerConfig, route: OutboundRoute? = nil, headers: [HTTPHeaderField] = [], credentials: UpstreamCredentialProvider? = nil,
        timeouts: ServerTimeouts = .init(), maxMessageBytes: Int, maxConnections: Int, eventLoop: any EventLoop, logger: Logger
    ) {
        let target = UpstreamHTTPTarget(
            serverName: serverName, endpoint: api.baseURL, route: route, headers: headers, credentials: credentials, timeouts: timeouts,
            maxMessageBytes: maxMessageBytes, logger: logger
        )
        self.target = target
        self.eventLoop = eventLoop
        self.service = api.service
        self.operations = Dictionary(api.service.operations.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let path = api.baseURL.pathAndQuery.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        self.basePath = path.hasSuffix("/") ? String(path.dropLast()) : path
        var list = ByteBuffer(string: #"{"tools":["#)
        for (index, operation) in api.service.operations.enumerated() {
            if index > 0 { list.writeString(",") }
            list.writeString(operation.definition)
        }
        list.writeString("]}")
        self.toolList = list
        self.clients = UpstreamHTTPClientSet(
            configuration: target.clientConfiguration(maxConnections: maxConnections, queueTimeout: timeouts.request), home: eventLoop, logger: target.logger
        )
    }

    package func setDelegate(_ delegate: any UpstreamTransportDelegate) {
        state.withLock { $0.delegate = delegate }
    }

    /// Nothing to open: connections are made per request, so an API that is down fails its
    /// calls (each with its reason), not the server's start.
    package func connect() -> EventLoopFuture<Void> {
        state.withLock { $0.closed } ? eventLoop.makeFailedFuture(UpstreamTransportError.notConnected) : eventLoop.makeSucceededVoidFuture()
    }

    package func send(_ message: ByteBuffer, correlation: UInt64?) -> EventLoopFuture<Void> {
        handle(message, correlation: correlation, traceParent: nil)
    }

    package func sendRequest(_ message: ByteBuffer, correlation: UInt64, routing: UpstreamRequestRouting) -> EventLoopFuture<Void> {
        handle(message, correlation: correlation, traceParent: routing.traceParent)
    }

    package func handshakeCompleted(protocolVersion: String) {}
    package func resetSession() {}

    package func disconnect() -> EventLoopFuture<Void> {
        cancelAll()
        return eventLoop.makeSucceededVoidFuture()
    }

    package func close() -> EventLoopFuture<Void> {
        state.withLock { $0.closed = true }
        cancelAll()
        return clients.shutdown()
    }

    private func cancelAll() {
        let calls = state.withLock { state in
            defer { state.calls.removeAll() }
            return Array(state.calls.values)
        }
        for call in calls { call.cancel() }
    }

    // MARK: Messages

    private func handle(_ message: ByteBuffer, correlation: UInt64?, traceParent: String?) -> EventLoopFuture<Void> {
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? eventLoop
        guard !state.withLock({ $0.closed }) else { return loop.makeFailedFuture(UpstreamTransportError.notConnected) }
        guard let parsed = try? JSONRPCMessage.parse(message) else {
            return loop.makeFailedFuture(UpstreamTransportError.protocolViolation("not a JSON-RPC message"))
        }
        switch parsed.kind {
        case .request:
            guard let id = parsed.id else { break }
            let origin: UpstreamInboundOrigin = correlation.map { .postStream(correlation: $0) } ?? .sharedStream
            switch parsed.method {
            case MCPMethod.toolsCall:
                call(parsed, id: id, origin: origin, correlation: correlation, traceParent: traceParent)
            case MCPMethod.initialize:
                answer(JSONRPCEncoding.result(id: id, result: handshake(parsed)), origin: origin, on: loop)
            case MCPMethod.ping:
                answer(JSONRPCEncoding.result(id: id, result: ByteBuffer(string: "{}")), origin: origin, on: loop)
            case MCPMethod.toolsList:
                answer(JSONRPCEncoding.result(id: id, result: toolList), origin: origin, on: loop)
            default:
                let method = parsed.method ?? ""
                answer(
                    JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.methodNotFound, message: "Method not found: \(method) (an OpenAPI server has tools only)"),
                    origin: origin, on: loop
                )
            }
        case .notification:
            if parsed.method == MCPMethod.cancelled, let id = parsed.params?["requestId"] {
                state.withLock { $0.calls.removeValue(forKey: id.rawText) }?.cancel()
            }
        default:
            break
        }
        return loop.makeSucceededVoidFuture()
    }

    /// The answer arrives on the loop's queue, never inside `send`: the session above may be
    /// in the middle of recording the request.
    private func answer(_ message: ByteBuffer, origin: UpstreamInboundOrigin, on loop: any EventLoop) {
        let delegate = state.withLock { $0.delegate }
        loop.execute { delegate?.upstreamTransport(received: message, origin: origin) }
    }

    private func handshake(_ request: JSONRPCMessage) -> ByteBuffer {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("protocolVersion", request.params?["protocolVersion"]?.string ?? ProtocolRevision.latestLegacy)
        writer.field("capabilities", raw: #"{"tools":{}}"#)
        writer.key("serverInfo")
        writer.beginObject()
        writer.field("name", service.title)
        writer.field("version", service.version)
        writer.endObject()
        if let description = service.description { writer.field("instructions", description) }
        writer.endObject()
        return writer.buffer
    }

    // MARK: Calls

    private func call(_ request: JSONRPCMessage, id: JSONRPCID, origin: UpstreamInboundOrigin, correlation: UInt64?, traceParent: String?) {
        let client = clients.forCurrentLoop()
        guard let name = request.paramsName, let operation = operations[name] else {
            let unknown = request.paramsName ?? ""
            answer(JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.invalidParams, message: "Unknown tool: \(unknown)"), origin: origin, on: client.eventLoop)
            return
        }
        let built: OpenAPIRequestBuilder.Built
        do {
            built = try OpenAPIRequestBuilder.build(operation, basePath: basePath, arguments: request.params?["arguments"])
        } catch {
            let result = OpenAPIToolResult.error("Invalid arguments for \(name): \(error.message)")
            answer(JSONRPCEncoding.result(id: id, result: result), origin: origin, on: client.eventLoop)
            return
        }
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json, */*;q=0.5")
        if let type = built.contentType { headers.add(name: "Content-Type", value: type) }
        if let traceParent { headers.add(name: "traceparent", value: traceParent) }
        for header in built.headers { headers.add(name: header.name, value: header.value) }
        let requestHeaders = headers

        let key = id.description
        let handle = UpstreamHTTPStream()
        state.withLock { $0.calls[key] = handle }
        let response = OpenAPICallResponse(operation: operation, maxBytes: target.maxMessageBytes) { [weak self] result in
            guard let self else { return }
            let current = self.state.withLock { state -> Bool in
                guard state.calls[key] === handle else { return false }
                state.calls[key] = nil
                return true
            }
            // A cancelled call is answered by nobody: the client gave up on it.
            guard current, let result else { return }
            let delegate = self.state.withLock { $0.delegate }
            let message: ByteBuffer
            switch result {
            case .success(let body): message = JSONRPCEncoding.result(id: id, result: body)
            case .failure(let failure): message = JSONRPCEncoding.error(id: id, code: failure.code, message: failure.message)
            }
            delegate?.upstreamTransport(received: message, origin: origin)
        }
        let send: @Sendable (HTTPHeaders?) -> Void = { credentialHeaders in
            let request = self.target.request(
                HTTPMethod(rawValue: operation.method), to: built.target, headers: requestHeaders, credentialHeaders: credentialHeaders, body: built.body,
                readTimeout: TimeAmount(self.target.timeouts.request)
            )
            client.execute(request, delegate: response, abortHandle: handle)
        }
        guard let credentials else {
            send(nil)
            return
        }
        let callerToken = correlation.flatMap { correlation in state.withLock { $0.delegate }?.upstreamTransport(callerTokenFor: correlation) }
        credentials.withHeaders(callerToken: callerToken, on: client.eventLoop, send) { error in
            response.failed(before: error)
        }
    }
}
