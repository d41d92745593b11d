package import NIOCore
package import Logging
package import SwitchboardCore
import SwitchboardOutbound
import Synchronization

/// One MCP client to one upstream server, shared by every downstream session: it finds out the
/// server's era (a 2026-07-28 `server/discover` probe, else the legacy `initialize` handshake;
/// `+Discovery`), numbers requests with its own ids, matches responses, enforces timeouts,
/// and restarts the server with back-off when it fails. Toward a modern server every request
/// carries its own `_meta` envelope (`ModernRequestParams`) and list changes arrive on a
/// `subscriptions/listen` kept open (`+Listen`). Transport details live below it.
package final class UpstreamServer: Sendable {
    struct Pending {
        var promise: EventLoopPromise<JSONRPCMessage>
        var observer: (any UpstreamCallObserver)?
        var method: String
        /// When the request times out; checked by the sweeper (see `expireOverdue`).
        var deadline: NIODeadline
        var timeoutAfter: Duration
        /// Set when the request was sent, so a restart knows what was in flight.
        var sent: Bool
        var params: ByteBuffer?
        /// A request is re-sent at most once after a session expiry.
        var retried: Bool
        /// The client it is made for, stamped into `_meta` when the server is modern.
        var meta: UpstreamRequestMeta? = nil
    }

    struct State {
        var phase: UpstreamPhase = .stopped
        var nextID = 1
        var pending: [Int: Pending] = [:]
        /// Requests made while starting, sent once the handshake is done (ids in order).
        var queued: [Int] = []
        var initializeResult: JSONView?
        var protocolVersion: String?
        var consecutiveFailures = 0
        var handshakes = 0
        var readySince: NIODeadline?
        var restartTask: Scheduled<Void>?
        var sweeper: RepeatedTask?
        var lastError: String?
        /// The era of the current session; after a failure, the first guess for the next start.
        var era: UpstreamEra?
        /// Bumped by every start, so the steps of an abandoned start change nothing.
        var attempt: UInt64 = 0
        /// The level of the gateway's last `logging/setLevel`: a modern server has no such
        /// method, so it travels in the `_meta` of requests that bring no level of their own.
        var logLevel: String?
        var listen = ListenState()
    }

    /// The `subscriptions/listen` kept open toward a modern server.
    struct ListenState {
        /// The listen request's id (also its subscription id), while one is open.
        var id: Int?
        var retry: Scheduled<Void>?
        /// Listens that ended since one was last acknowledged, for the back-off.
        var failures = 0
        /// URIs clients subscribed to, carried as the listen's `resourceSubscriptions`.
        var resources: Set<String> = []
    }

    package let config: ServerConfig
    /// `credentials.oauth` with `mode: per_user`: callers' requests go over sessions of their
    /// own (read once here, since every forwarded request asks).
    package let isPerUser: Bool
    package var name: String { config.name }
    package let transport: any UpstreamTransport
    package let eventLoop: any EventLoop
    let logger: Logger
    let state = Mutex(State())
    private let delegateBox = Mutex<(any UpstreamEventsDelegate)?>(nil)
    let clientInfoName: String
    let clientVersion: String
    /// `clientInfo` as JSON, for the `_meta` of modern requests.
    let clientInfoJSON: String
    /// Pages of lists the server promised to announce changes of.
    package let listCache = UpstreamListCache()
    /// The era of the latest ready session, readable without the state lock: every relayed
    /// call asks it twice, and the lock is the one every request and response of this server
    /// takes.
    let readyEraIsModern = Atomic<Bool>(false)

    package init(
        config: ServerConfig,
        transport: any UpstreamTransport,
        eventLoop: any EventLoop,
        logger: Logger,
        clientVersion: String
    ) {
        self.config = config
        self.isPerUser = config.credentials?.isPerUserOAuth == true
        self.transport = transport
        self.eventLoop = eventLoop
        var logger = logger
        logger[metadataKey: "switchboard.server"] = "\(config.name)"
        self.logger = logger
        self.clientInfoName = "switchboard"
        self.clientVersion = clientVersion
        self.clientInfoJSON = #"{"name":"switchboard","version":"# + JSONWriter.quoted(clientVersion) + "}"
    }

    package func setDelegate(_ delegate: any UpstreamEventsDelegate) {
        delegateBox.withLock { $0 = delegate }
    }

    var delegate: (any UpstreamEventsDelegate)? { delegateBox.withLock { $0 } }

    package var status: UpstreamStatus {
        state.withLock { s in
            UpstreamStatus(
                name: name,
                transport: config.transport.kindName,
                phase: s.phase,
                protocolVersion: s.protocolVersion,
                serverInfo: s.initializeResult?["serverInfo"].map { info in
                    [info["name"]?.string, info["version"]?.string].compactMap { $0 }.joined(separator: " ")
                },
                restarts: max(0, s.handshakes - 1),
                lastError: s.lastError,
                era: s.era,
                connection: transport.route?.summary,
                verificationOff: transport.route?.tls.map { !$0.verifies } ?? false,
                oauth: transport.oauthStatus
            )
        }
    }

    /// The server's `initialize` result from its latest handshake (capabilities, serverInfo,
    /// instructions); kept across restarts so the gateway can still describe it. For a modern
    /// server it is built from its `DiscoverResult` in the same shape, with `protocolVersion`
    /// 2026-07-28 (`UpstreamEraProbe.initializeEquivalent`).
    package var initializeResult: JSONView? { state.withLock { $0.initializeResult } }

    /// Whether the server was last reached as a 2026-07-28 server (its results carry
    /// `resultType` and cache hints; it asks for input through `input_required`).
    package var speaksModernEra: Bool {
        readyEraIsModern.load(ordering: .relaxed)
    }

    /// The era found at the latest start; nil before the first one finished.
    package var era: UpstreamEra? { state.withLock { $0.era } }

    package var isReady: Bool { state.withLock { $0.phase == .ready } }

    /// Whether the server announces changes of `list` (so its pages may be cached).
    package func announcesChanges(of list: ListKind) -> Bool {
        initializeResult?["capabilities"]?[list.capability]?["listChanged"]?.bool == true
    }

    // MARK: Requests

    /// Sends a request and completes on `eventLoop` with the server's response (result or
    /// error). `makeParams` receives the upstream id, which is also the progress token the
    /// caller should put into `_meta` when the client asked for progress. `meta` describes the
    /// client the request is made for; a modern server gets it in `_meta` (nil declares no
    /// capabilities), a legacy one never sees it.
    ///
    /// Toward a `passthrough` server, a request with `meta` is made for a caller and carries
    /// `meta.callerToken`; without one, or with one minted for another audience, it is refused
    /// here and never sent. A request without `meta` is the gateway's own and goes without
    /// `Authorization`.
    ///
    /// A modern server's results are returned as they come (`resultType`, `input_required`
    /// included); `logging/setLevel`, which it does not have, is answered here with `{}`.
    package func request(
        method: String,
        observer: (any UpstreamCallObserver)?,
        on resultLoop: any EventLoop,
        timeout: Duration? = nil,
        meta: UpstreamRequestMeta? = nil,
        makeParams: (Int) -> ByteBuffer?
    ) -> (id: Int, future: EventLoopFuture<JSONRPCMessage>) {
        let promise = resultLoop.makePromise(of: JSONRPCMessage.self)
        let after = timeout ?? config.timeouts.request
        let deadline = NIODeadline.now() + after.timeAmount
        enum Next { case send(ByteBuffer?, UpstreamEra, logLevel: String?), queued, fail(UpstreamError) }
        let refusal = callerTokenRefusal(meta)
        let (id, next): (Int, Next) = state.withLock { s in
            let id = s.nextID
            s.nextID += 1
            if let refusal { return (id, .fail(refusal)) }
            let params = makeParams(id)
            switch s.phase {
            case .ready:
                s.pending[id] = Pending(promise: promise, observer: observer, method: method, deadline: deadline, timeoutAfter: after, sent: true, params: params, retried: false, meta: meta)
                return (id, .send(params, s.era ?? .legacy, logLevel: s.logLevel))
            case .starting:
                s.pending[id] = Pending(promise: promise, observer: observer, method: method, deadline: deadline, timeoutAfter: after, sent: false, params: params, retried: false, meta: meta)
                s.queued.append(id)
                return (id, .queued)
            case .stopped:
                return (id, .fail(.unavailable(server: name, reason: "server is stopped")))
            case .backingOff(let reason):
                return (id, .fail(.unavailable(server: name, reason: reason)))
            }
        }
        switch next {
        case .fail(let error):
            promise.fail(error)
        case .queued:
            break
        case .send(let params, let era, let logLevel):
            dispatch(id: id, method: method, params: params, meta: meta, era: era, defaultLogLevel: logLevel)
        }
        return (id, promise.futureResult)
    }

    /// Writes a registered request in the server's era: as it is for a legacy server; for a
    /// modern one with the `_meta` envelope and the routing headers, or answered here when
    /// the method no longer exists there.
    func dispatch(id: Int, method: String, params: ByteBuffer?, meta: UpstreamRequestMeta?, era: UpstreamEra, defaultLogLevel: String?) {
        guard era == .modern else {
            // The body is as the client sent it (its `_meta` stamped by the caller); over HTTP
            // the trace context also goes as the `traceparent` header.
            let routing = meta?.traceParent.map { UpstreamRequestRouting(method: method, traceParent: $0) }
            write(JSONRPCEncoding.request(id: JSONRPCID(id), method: method, params: params), correlation: id, routing: routing)
            return
        }
        if method == MCPMethod.loggingSetLevel {
            answerSetLevelLocally(id: id, params: params)
            return
        }
        if method == MCPMethod.resourcesSubscribe || method == MCPMethod.resourcesUnsubscribe {
            changeResourceSubscription(id: id, params: params, subscribe: method == MCPMethod.resourcesSubscribe)
            return
        }
        var meta = meta ?? UpstreamRequestMeta()
        if meta.logLevel == nil { meta.logLevel = defaultLogLevel }
        let stamped = ModernRequestParams.stamp(params, method: method, meta: meta, clientInfo: clientInfoJSON)
        write(
            JSONRPCEncoding.request(id: JSONRPCID(id), method: method, params: stamped.params),
            correlation: id,
            routing: UpstreamRequestRouting(method: method, name: stamped.name, traceParent: meta.traceParent)
        )
    }

    /// 2026-07-28 removed `logging/setLevel` (spec digest §4.3): the level is kept and sent with
    /// each request instead, and the gateway gets the success it expects.
    private func answerSetLevelLocally(id: Int, params: ByteBuffer?) {
        let level = params.flatMap { try? JSONView.parse($0) }?["level"]?.string
        guard let pending = state.withLock({ s -> Pending? in
            if let level { s.logLevel = level }
            return s.pending.removeValue(forKey: id)
        }) else { return }
        Self.succeedEmpty(pending, id: id)
    }

    /// 2026-07-28 removed `resources/subscribe` and `unsubscribe` (digest §4.3): the URI joins
    /// or leaves the listen's `resourceSubscriptions`, and the listen is opened again with it.
    private func changeResourceSubscription(id: Int, params: ByteBuffer?, subscribe: Bool) {
        let uri = params.flatMap { try? JSONView.parse($0) }?["uri"]?.string
        guard let (pending, changed) = state.withLock({ s -> (Pending, Bool)? in
            guard let p = s.pending.removeValue(forKey: id) else { return nil }
            guard let uri else { return (p, false) }
            let changed = subscribe ? s.listen.resources.insert(uri).inserted : s.listen.resources.remove(uri) != nil
            return (p, changed)
        }) else { return }
        Self.succeedEmpty(pending, id: id)
        if changed { reopenListen() }
    }

    private static func succeedEmpty(_ pending: Pending, id: Int) {
        let answer = JSONRPCEncoding.result(id: JSONRPCID(id), result: ByteBuffer(string: "{}"))
        guard let message = try? JSONRPCMessage.parse(answer) else { return }
        pending.promise.succeed(message)
    }

    /// Sends a notification if the session is up; dropped otherwise (nothing to notify).
    /// A modern server gets none of the notifications 2026-07-28 removed.
    package func notify(method: String, params: ByteBuffer?) {
        let era = state.withLock { $0.phase == .ready ? ($0.era ?? .legacy) : nil }
        guard let era else { return }
        if era == .modern, Self.removedInModern.contains(method) { return }
        _ = transport.send(JSONRPCEncoding.notification(method: method, params: params), correlation: nil)
    }

    /// Client notifications a 2026-07-28 server does not know (spec digest §0, §4.3).
    static let removedInModern: Set<String> = [MCPMethod.initialized, MCPMethod.rootsListChanged]

    /// Answers a server-to-client request (sampling, elicitation, roots) with the client's
    /// result or error object, under the id the server used.
    package func respond(to id: JSONRPCID, result: ByteBuffer?, error: ByteBuffer?) {
        let message = error.map { JSONRPCEncoding.error(id: id, errorObject: $0) }
            ?? JSONRPCEncoding.result(id: id, result: result ?? ByteBuffer(string: "{}"))
        _ = transport.send(message, correlation: nil)
    }

    /// Answers a server-to-client request with an error the gateway decided.
    package func respondError(to id: JSONRPCID, code: Int, message: String) {
        _ = transport.send(JSONRPCEncoding.error(id: id, code: code, message: message), correlation: nil)
    }

    /// Gives an in-flight request its full timeout again from now: time a client spends
    /// answering the server's question (a held `input_required` call) is not the server's.
    package func restartDeadline(id: Int) {
        state.withLock { s in
            guard var p = s.pending[id] else { return }
            p.deadline = .now() + p.timeoutAfter.timeAmount
            s.pending[id] = p
        }
    }

    /// Cancels an in-flight request: the server is told, and the caller's future fails with
    /// `.cancelled`. A late response is then ignored.
    package func cancel(id: Int, reason: String?) {
        guard let pending = state.withLock({ s -> Pending? in
            s.queued.removeAll { $0 == id }
            return s.pending.removeValue(forKey: id)
        }) else { return }
        if pending.sent { cancelUpstream(id: id, reason: reason) }
        pending.promise.fail(UpstreamError.cancelled)
    }

    /// Tells the server to stop working on a request, in the transport's idiom (spec digest
    /// §3.1): modern Streamable HTTP closes the request's connection; stdio (both eras) and
    /// legacy HTTP send `notifications/cancelled`.
    func cancelUpstream(id: Int, reason: String?) {
        let aborted = transport.abort(correlation: UInt64(id))
        logger.debug("upstream request cancelled", metadata: ["switchboard.id": "\(id)", "switchboard.aborted": "\(aborted)"])
        if aborted { return }
        sendCancelled(id: id, reason: reason)
    }

    func sendCancelled(id: Int, reason: String?) {
        var w = JSONWriter()
        w.beginObject()
        w.field("requestId", id)
        if let reason { w.field("reason", reason) }
        w.endObject()
        notify(method: MCPMethod.cancelled, params: w.buffer)
    }

    func write(_ bytes: ByteBuffer, correlation id: Int, routing: UpstreamRequestRouting? = nil) {
        let sent = routing.map { transport.sendRequest(bytes, correlation: UInt64(id), routing: $0) }
            ?? transport.send(bytes, correlation: UInt64(id))
        sent.whenFailure { [self] error in
            handleSendFailure(id: id, error: error)
        }
    }

    /// Fails the requests whose deadline passed and tells the server to stop working on them.
    /// One sweep per server (every 100 ms, see `startSweeping`) instead of a timer per request:
    /// arming and cancelling a timer for every call costs more than the call's own work here.
    func expireOverdue() {
        let now = NIODeadline.now()
        let expired = state.withLock { s -> [(Int, Pending)] in
            var ids: [Int] = []
            for (id, p) in s.pending where p.deadline <= now && p.method != MCPMethod.initialize { ids.append(id) }
            return ids.compactMap { id in
                s.queued.removeAll { $0 == id }
                return s.pending.removeValue(forKey: id).map { (id, $0) }
            }
        }
        for (id, pending) in expired {
            logger.warning("upstream request timed out", metadata: ["switchboard.method": "\(pending.method)"])
            if pending.sent { cancelUpstream(id: id, reason: "timeout") }
            pending.promise.fail(UpstreamError.timeout(server: name, after: pending.timeoutAfter))
        }
    }

    private func handleSendFailure(id: Int, error: any Error) {
        if let transportError = error as? UpstreamTransportError, transportError == .sessionExpired {
            sessionExpired(retrying: id)
            return
        }
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
        logger.warning("upstream request failed", metadata: ["switchboard.method": "\(pending.method)", "switchboard.error": "\(error)"])
        pending.promise.fail(UpstreamError.unavailable(server: name, reason: Self.describe(error)))
    }

    package static func describe(_ error: any Error) -> String {
        switch error {
        case let e as UpstreamTransportError:
            switch e {
            case .sessionExpired: return "session expired"
            case .httpStatus(let code, _): return "HTTP \(code)"
            case .unexpectedContentType(let type): return "unexpected content type \(type)"
            case .timeout(let what): return "timed out: \(what)"
            case .notConnected: return "not connected"
            case .frameTooLarge(let max): return "message larger than \(max) bytes"
            case .protocolViolation(let why): return why
            case .spawnFailed(let why): return "could not start: \(why)"
            case .insufficientScope(let scopes):
                return "HTTP 403: the token lacks scope" + (scopes.isEmpty ? "" : " (" + scopes.joined(separator: " ") + ")")
            }
        case let e as UpstreamError:
            switch e {
            case .unavailable(_, let reason): return reason
            case .timeout(_, let after): return "timed out after \(after)"
            case .protocolError(_, let reason): return reason
            case .cancelled: return "cancelled"
            }
        case let e as IOError:
            return e.description
        default:
            return OutboundError.explaining(error)?.message ?? "\(error)"
        }
    }
}
