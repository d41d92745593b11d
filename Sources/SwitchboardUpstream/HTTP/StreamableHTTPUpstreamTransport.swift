package import Logging
package import NIOCore
import NIOHTTP1
package import SwitchboardCore
package import SwitchboardOutbound
import Synchronization

/// The gateway as a Streamable HTTP client (2025-03-26, 2025-06-18, 2025-11-25; spec digest
/// §1.3). Every message is a POST on a pooled keep-alive connection; its answer (JSON or an
/// event stream) is reported with `.postStream(correlation:)`. The session id comes from the
/// `initialize` response and is echoed on every later request; `MCP-Protocol-Version` is sent
/// once the handshake settled a revision that uses it. After the handshake a GET stream is
/// opened on a connection of its own for server-initiated messages (`.sharedStream`); it is
/// re-opened with back-off and `Last-Event-ID` when it drops, and never again after a 405.
///
/// Toward a 2026-07-28 server (`prepare(era: .modern)`, spec digest §1.4) there is no session,
/// no GET stream and no DELETE: every POST carries `MCP-Protocol-Version`, `Mcp-Method` and
/// `Mcp-Name`; cancelling a request closes its connection; a `subscriptions/listen` gets a
/// connection of its own (see `+Modern`).
///
/// POSTs and their answers stay on the caller's event loop (one pool per loop); the GET
/// stream lives on `eventLoop`. Errors are reported per `send`; this transport
/// never calls `upstreamTransportClosed`, since no single connection is its lifeline.
package final class StreamableHTTPUpstreamTransport: UpstreamTransport, UpstreamHTTPTargeted {
    struct State {
        var delegate: (any UpstreamTransportDelegate)?
        var sessionID: String?
        /// Set by `handshakeCompleted`; nil before and after `resetSession`.
        var protocolVersion: String?
        var closed = false
        var getStream = GetStreamState.notStarted
        /// Bumped when the session changes, so callbacks of an older GET stream are ignored.
        var generation: UInt64 = 0
        /// The id of the last GET stream event, for `Last-Event-ID` on re-open.
        var lastEventID: String?
        /// Failed GET attempts since one last worked.
        var failedAttempts = 0
        /// The server's `retry:` for the GET stream, which the client must honour.
        var serverRetry: TimeAmount?
        var era = UpstreamEra.legacy
        /// Modern requests in flight, by correlation: closing one's connection cancels it.
        var aborts: [UInt64: UpstreamHTTPStream] = [:]
    }

    enum GetStreamState {
        case notStarted
        case open(UpstreamHTTPStream)
        case waiting(Scheduled<Void>)
        /// 405: the server offers no GET stream. Or back-off gave up, or the session is gone.
        case stopped
    }

    let target: UpstreamHTTPTarget
    package let eventLoop: any EventLoop
    let clients: UpstreamHTTPClientSet
    /// The home pool: GET streams, DELETE, and callers off the event loops.
    var client: UpstreamHTTPClient { clients.home }
    let state = Mutex(State())
    let backoff: (initial: TimeAmount, max: TimeAmount, attempts: Int)

    /// - Parameters:
    ///   - headers: extra headers for every request (`servers.NAME.headers`), e.g. credentials.
    ///   - credentials: headers that change (files, tokens), asked for each request.
    ///   - maxConnections: pooled connections for POSTs; the GET stream has its own on top.
    ///   - eventLoop: where every connection lives and every delegate call is made.
    package init(
        serverName: String,
        endpoint: HTTPEndpoint,
        route: OutboundRoute? = nil,
        headers: [HTTPHeaderField] = [],
        credentials: UpstreamCredentialProvider? = nil,
        timeouts: ServerTimeouts = .init(),
        maxMessageBytes: Int,
        maxConnections: Int,
        eventLoop: any EventLoop,
        logger: Logger,
        getStreamBackoff: (initial: TimeAmount, max: TimeAmount, attempts: Int) = (.milliseconds(500), .seconds(30), 10)
    ) {
        let target = UpstreamHTTPTarget(
            serverName: serverName, endpoint: endpoint, route: route, headers: headers, credentials: credentials, timeouts: timeouts, maxMessageBytes: maxMessageBytes,
            logger: logger
        )
        self.target = target
        self.eventLoop = eventLoop
        self.backoff = getStreamBackoff
        self.clients = UpstreamHTTPClientSet(
            configuration: target.clientConfiguration(maxConnections: maxConnections, queueTimeout: max(timeouts.request, timeouts.initialize)),
            home: eventLoop,
            logger: target.logger
        )
    }

    /// The session id the server assigned, if any.
    package var sessionID: String? { state.withLock { $0.sessionID } }

    package func setDelegate(_ delegate: any UpstreamTransportDelegate) {
        state.withLock { $0.delegate = delegate }
    }

    package func connect() -> EventLoopFuture<Void> {
        let closed = state.withLock { $0.closed }
        return closed ? eventLoop.makeFailedFuture(UpstreamTransportError.notConnected) : eventLoop.makeSucceededVoidFuture()
    }

    package func send(_ message: ByteBuffer, correlation: UInt64?) -> EventLoopFuture<Void> {
        send(message, correlation: correlation, traceParent: nil)
    }

    /// `traceParent`: the `traceparent` header of a legacy POST (a modern one takes it from
    /// its routing).
    func send(_ message: ByteBuffer, correlation: UInt64?, traceParent: String?) -> EventLoopFuture<Void> {
        let snapshot = state.withLock { state in state.closed ? nil : (state.sessionID, state.protocolVersion, state.era) }
        guard let (sessionID, protocolVersion, era) = snapshot else {
            return eventLoop.makeFailedFuture(UpstreamTransportError.notConnected)
        }
        if era == .modern {
            return sendModern(message, correlation: correlation, routing: nil)
        }
        // POSTs run on the caller's loop (see UpstreamHTTPClientSet); so does their promise.
        let postClient = clients.forCurrentLoop()
        guard let credentials else {
            return post(
                message, correlation: correlation, sessionID: sessionID, protocolVersion: protocolVersion, on: postClient, credentialHeaders: nil,
                traceParent: traceParent
            )
        }
        return credentials.send(callerToken: callerToken(for: correlation), on: postClient.eventLoop) { credentialHeaders in
            self.post(
                message, correlation: correlation, sessionID: sessionID, protocolVersion: protocolVersion, on: postClient,
                credentialHeaders: credentialHeaders, traceParent: traceParent
            )
        }
    }

    /// One legacy POST; `credentialHeaders` come from `credentials`, after any token fetch.
    private func post(
        _ message: ByteBuffer,
        correlation: UInt64?,
        sessionID: String?,
        protocolVersion: String?,
        on postClient: UpstreamHTTPClient,
        credentialHeaders: HTTPHeaders?,
        traceParent: String?
    ) -> EventLoopFuture<Void> {
        var headers = UpstreamHTTPTarget.jsonPOSTHeaders(acceptingStreams: true)
        addSessionHeaders(&headers, sessionID: sessionID, protocolVersion: protocolVersion)
        if let traceParent { headers.add(name: "traceparent", value: traceParent) }
        let request = target.request(.POST, headers: headers, credentialHeaders: credentialHeaders, body: message, readTimeout: target.postReadTimeout)
        let promise = postClient.eventLoop.makePromise(of: Void.self)
        let response = StreamableHTTPPostResponse(
            transport: self,
            origin: correlation.map { .postStream(correlation: $0) } ?? .sharedStream,
            sentSessionID: sessionID != nil,
            modern: false,
            renewsOnUnauthorized: credentialHeaders != nil && credentials?.renewsOnUnauthorized == true,
            promise: promise
        )
        postClient.execute(request, delegate: response)
        return promise.futureResult
    }

    package func handshakeCompleted(protocolVersion: String) {
        let generation = state.withLock { state -> UInt64? in
            guard !state.closed, state.era == .legacy else { return nil }
            state.protocolVersion = protocolVersion
            guard case .notStarted = state.getStream else { return nil }
            state.failedAttempts = 0
            return state.generation
        }
        if let generation { eventLoop.execute { self.openGetStream(generation: generation) } }
    }

    package func resetSession() {
        let previous = state.withLock { Self.forgetSession(&$0) }
        Self.stop(previous)
    }

    /// Drops the session and the GET stream's position; returns the stream to stop.
    static func forgetSession(_ state: inout State) -> GetStreamState {
        state.sessionID = nil
        state.protocolVersion = nil
        state.lastEventID = nil
        state.serverRetry = nil
        state.generation &+= 1
        defer { state.getStream = .notStarted }
        return state.getStream
    }

    package func close() -> EventLoopFuture<Void> {
        let snapshot = state.withLock { state -> (GetStreamState, String?, String?, [UpstreamHTTPStream])? in
            guard !state.closed else { return nil }
            state.closed = true
            state.generation &+= 1
            defer {
                state.getStream = .stopped
                state.aborts.removeAll()
            }
            return (state.getStream, state.sessionID, state.protocolVersion, Array(state.aborts.values))
        }
        guard let (getStream, sessionID, protocolVersion, inFlight) = snapshot else { return clients.shutdown() }
        Self.stop(getStream)
        // Listen streams have connections of their own; the pool's shutdown closes the rest.
        for stream in inFlight { stream.cancel() }
        guard let sessionID else { return clients.shutdown() }

        // The spec asks clients to end their session; the answer (often 405) does not matter.
        let deleted = eventLoop.makePromise(of: Void.self)
        let delete: @Sendable (HTTPHeaders?) -> Void = { credentialHeaders in
            var headers = HTTPHeaders()
            self.addSessionHeaders(&headers, sessionID: sessionID, protocolVersion: protocolVersion)
            let request = self.target.request(.DELETE, headers: headers, credentialHeaders: credentialHeaders, readTimeout: TimeAmount(self.timeouts.connect))
            self.client.execute(request, delegate: UpstreamHTTPDiscardingResponse(promise: deleted))
        }
        if let credentials {
            credentials.withHeaders(callerToken: nil, on: eventLoop, delete, failed: { _ in deleted.succeed() })
        } else {
            delete(nil)
        }
        return deleted.futureResult.flatMap { self.clients.shutdown() }
    }

    /// The caller's token for a passthrough server's request, asked of the owner.
    func callerToken(for correlation: UInt64?) -> String? {
        guard let correlation, credentials?.usesCallerToken == true else { return nil }
        return state.withLock { $0.delegate }?.upstreamTransport(callerTokenFor: correlation)
    }

    // MARK: Used by the response delegates

    func addSessionHeaders(_ headers: inout HTTPHeaders, sessionID: String?, protocolVersion: String?) {
        if let sessionID { headers.add(name: UpstreamHTTPHeaders.sessionID, value: sessionID) }
        if let protocolVersion, ProtocolRevision.usesVersionHeader(protocolVersion) {
            headers.add(name: UpstreamHTTPHeaders.protocolVersion, value: protocolVersion)
        }
    }

    /// Keeps the session id from a response, unless one is already held.
    func captureSessionID(from headers: HTTPHeaders) {
        guard let value = UpstreamHTTPHeaders.validSessionID(headers.first(name: UpstreamHTTPHeaders.sessionID)) else { return }
        state.withLock { state in
            // A 2026-07-28 server has no sessions; a stray header must not start one.
            if state.sessionID == nil, !state.closed, state.era == .legacy { state.sessionID = value }
        }
    }

    func deliver(_ message: ByteBuffer, origin: UpstreamInboundOrigin) {
        guard let delegate = state.withLock({ $0.closed ? nil : $0.delegate }) else { return }
        delegate.upstreamTransport(received: message, origin: origin)
    }

    static func stop(_ getStream: GetStreamState) {
        switch getStream {
        case .open(let stream): stream.cancel()
        case .waiting(let task): task.cancel()
        case .notStarted, .stopped: break
        }
    }
}

/// Completes a promise when a response ends, whatever it was.
final class UpstreamHTTPDiscardingResponse: UpstreamHTTPResponseDelegate {
    private let promise: EventLoopPromise<Void>

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func responseHead(_ head: HTTPResponseHead) -> UpstreamHTTPBodyMode { .discard }

    func responseEnded(error: (any Error)?) {
        promise.succeed()
    }
}
