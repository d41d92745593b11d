package import NIOCore
import NIOHTTP1
import SwitchboardCore
import Synchronization

/// Streamable HTTP toward a 2026-07-28 server (spec digest §1.4): stateless POSTs with the
/// version, method and name in headers, cancel by closing the request's connection, and no
/// resumption (a stream that ends early loses its request).
extension StreamableHTTPUpstreamTransport {
    package func prepare(era: UpstreamEra) {
        let previous = state.withLock { state -> GetStreamState? in
            guard state.era != era else { return nil }
            state.era = era
            guard era == .modern else { return nil }
            // Whatever a legacy handshake left behind has no meaning to a modern server.
            return Self.forgetSession(&state)
        }
        if let previous { Self.stop(previous) }
    }

    package func sendRequest(_ message: ByteBuffer, correlation: UInt64, routing: UpstreamRequestRouting) -> EventLoopFuture<Void> {
        guard state.withLock({ $0.era }) == .modern else { return send(message, correlation: correlation, traceParent: routing.traceParent) }
        return sendModern(message, correlation: correlation, routing: routing)
    }

    package func abort(correlation: UInt64) -> Bool {
        let (era, handle) = state.withLock { state in (state.era, state.aborts.removeValue(forKey: correlation)) }
        guard era == .modern else { return false }
        handle?.cancel()
        return true
    }

    /// One modern POST. A `subscriptions/listen` lasts as long as the server keeps it open, so
    /// it gets a connection of its own without a read timeout instead of holding a pooled one.
    func sendModern(_ message: ByteBuffer, correlation: UInt64?, routing: UpstreamRequestRouting?) -> EventLoopFuture<Void> {
        guard !state.withLock({ $0.closed }) else {
            return eventLoop.makeFailedFuture(UpstreamTransportError.notConnected)
        }
        let isListen = routing?.method == MCPMethod.subscriptionsListen
        let postClient = isListen ? client : clients.forCurrentLoop()
        guard let credentials else {
            return postModern(message, correlation: correlation, routing: routing, on: postClient, credentialHeaders: nil)
        }
        return credentials.send(callerToken: callerToken(for: correlation), on: postClient.eventLoop) { credentialHeaders in
            self.postModern(message, correlation: correlation, routing: routing, on: postClient, credentialHeaders: credentialHeaders)
        }
    }

    private func postModern(
        _ message: ByteBuffer,
        correlation: UInt64?,
        routing: UpstreamRequestRouting?,
        on postClient: UpstreamHTTPClient,
        credentialHeaders: HTTPHeaders?
    ) -> EventLoopFuture<Void> {
        var headers = UpstreamHTTPTarget.jsonPOSTHeaders(acceptingStreams: true)
        headers.add(name: UpstreamHTTPHeaders.protocolVersion, value: ProtocolRevision.latestModern)
        if let routing {
            headers.add(name: UpstreamHTTPHeaders.method, value: routing.method)
            if let name = routing.name { headers.add(name: UpstreamHTTPHeaders.name, value: MCPHeaderValue.encode(name)) }
            if let traceParent = routing.traceParent { headers.add(name: "traceparent", value: traceParent) }
        }
        let isListen = routing?.method == MCPMethod.subscriptionsListen
        let request = target.request(
            .POST, headers: headers, credentialHeaders: credentialHeaders, body: message, readTimeout: isListen ? nil : target.postReadTimeout
        )
        let promise = postClient.eventLoop.makePromise(of: Void.self)
        let response = StreamableHTTPPostResponse(
            transport: self,
            origin: correlation.map { .postStream(correlation: $0) } ?? .sharedStream,
            sentSessionID: false,
            modern: true,
            renewsOnUnauthorized: credentialHeaders != nil && credentials?.renewsOnUnauthorized == true,
            promise: promise
        )
        guard let correlation else {
            postClient.execute(request, delegate: response)
            return promise.futureResult
        }
        // Registered before the request starts, so even an instant failure finds it to remove.
        let handle = UpstreamHTTPStream()
        state.withLock { $0.aborts[correlation] = handle }
        if isListen {
            postClient.openStream(request, delegate: response, handle: handle)
        } else {
            postClient.execute(request, delegate: response, abortHandle: handle)
        }
        return promise.futureResult
    }

    /// A modern request was refused with 401 before the server acted on it: it may be sent
    /// again with a new token, so its loss is not reported.
    func modernRequestRefused(correlation: UInt64) {
        _ = state.withLock { $0.aborts.removeValue(forKey: correlation) }
    }

    /// A modern request's response ended, answered or not.
    func modernRequestEnded(correlation: UInt64, answered: Bool, error: (any Error)?) {
        let delegate = state.withLock { state -> (any UpstreamTransportDelegate)? in
            state.aborts.removeValue(forKey: correlation)
            return state.closed ? nil : state.delegate
        }
        if !answered { delegate?.upstreamTransport(requestEnded: correlation, error: error) }
    }
}
