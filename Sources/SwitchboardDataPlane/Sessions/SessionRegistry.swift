import NIOCore
package import Logging
package import SwitchboardCore
package import SwitchboardPolicy
import Synchronization

/// Every client session the gateway holds, and admission to it. Legacy sessions are created
/// by `initialize` and live until DELETE, the end of their stream or their idle expiry; a
/// 2026-07-28 request (or its listen stream) holds a slot for as long as it lasts
/// (`StatelessLease`). Both count against `sessions.max_sessions`, so stateless traffic
/// cannot grow the gateway's state past the bound that holds for everyone else.
package final class SessionRegistry: Sendable {
    private let sessions = Mutex<[String: DownstreamSession]>([:])
    /// 2026-07-28 requests and listen streams being answered.
    private let statelessInFlight = Atomic<Int>(0)
    /// Mints and opens the sealed session ids.
    private let tokens: SessionTokens
    private let config: SessionsConfig
    private let tap: WireTap?
    /// Where requests' durations go (nil: `metrics.enabled` is off).
    package let metrics: RequestMetrics?
    /// Where requests' spans go (nil: traces are off).
    package let tracer: RequestTracer?
    /// How the gateway names itself to clients (see `DownstreamSession.serverInfo`).
    private let serverInfo: String
    private let logger: Logger
    private let sweeper = Mutex<RepeatedTask?>(nil)

    package init(config: SessionsConfig, serverInfo: String, tap: WireTap?, metrics: RequestMetrics? = nil, tracer: RequestTracer? = nil, logger: Logger) {
        self.tracer = tracer
        self.config = config
        self.metrics = metrics
        self.tokens = SessionTokens(config: config)
        self.serverInfo = serverInfo
        self.tap = tap
        self.logger = logger
    }

    /// The sealer behind session ids, for other client-held state (MRTR `requestState`, task
    /// names): each seals with a purpose of its own so no kind of token opens as another.
    package var sealer: Sealer { tokens.sealer }

    package var count: Int { sessions.withLock { $0.count } }

    /// Every legacy session now (for broadcasts).
    package var all: [DownstreamSession] { sessions.withLock { Array($0.values) } }

    /// With one client connected there is no doubt where an unattributed request belongs.
    var sole: DownstreamSession? { sessions.withLock { $0.count == 1 ? $0.values.first : nil } }

    /// Whether any legacy session wants updates of `uri`.
    func anySubscribed(to uri: String) -> Bool {
        sessions.withLock { $0.values.contains { $0.isSubscribed(uri) } }
    }

    // MARK: Legacy sessions

    /// The session named by `id`, when `caller` owns it and it was opened on `virtualServer`.
    /// A session id is not a credential (spec digest §5): every request authenticates, and a
    /// session seen with another caller or through another endpoint is "not found", exactly
    /// as an unknown one, so ids leak nothing. Live sessions come from memory, with no crypto
    /// per request; an id this process does not hold (it restarted, or another replica minted
    /// it) is opened as a sealed token and the session re-created under the same id.
    package func session(id: String, caller: Principal, virtualServer: String?) -> DownstreamSession? {
        guard let session = sessions.withLock({ $0[id] }) ?? restore(id: id, caller: caller, virtualServer: virtualServer) else {
            return nil
        }
        guard session.virtualServer == virtualServer else { return nil }
        // The same caller may come back with other roles (a refreshed token): each request is
        // judged by its own (`RequestCaller`), the session only by whose it is.
        guard session.principal.isSameCaller(as: caller) else { return nil }
        return session
    }

    /// Whether another session fits now; `admit` decides for good.
    var hasRoom: Bool { count + statelessInFlight.load(ordering: .relaxed) < config.maxSessions }

    /// A new session for an `initialize` that negotiated `revision`, with a sealed id; held
    /// only once `admit`ted.
    func mint(revision: String, clientName: String, capabilities: JSONView?, caller: Principal, virtualServer: String?) -> DownstreamSession {
        let state = SealedSessionState(
            revision: revision, clientName: clientName, capabilities: capabilities, principalID: caller.id, virtualServer: virtualServer
        )
        return DownstreamSession(
            id: tokens.mint(state), revision: revision, clientCapabilities: capabilities, clientName: clientName, tap: tap, metrics: metrics, tracer: tracer,
            principal: caller, virtualServer: virtualServer, serverInfo: serverInfo
        )
    }

    /// Holds `session` unless the gateway is full.
    func admit(_ session: DownstreamSession) -> Bool {
        let admitted = sessions.withLock { s -> Bool in
            // 2026-07-28 requests in flight hold slots too: the bound is one for everyone.
            guard s.count + statelessInFlight.load(ordering: .relaxed) < config.maxSessions else { return false }
            s[session.id] = session
            return true
        }
        if admitted {
            logger.debug("session started", metadata: [
                "switchboard.session": "\(session.id.prefix(8))", "switchboard.protocol": "\(session.revision)",
                "switchboard.client": "\(session.clientName)",
            ])
        }
        return admitted
    }

    /// Ends a session for good (DELETE, stdio EOF): its id stays refused until it expires.
    /// `revoke` is for ids a client was given (`Mcp-Session-Id`); sessions whose id never left
    /// the gateway (HTTP+SSE, stdio) need no entry in the bounded list of ended ids.
    package func end(id: String, revoke: Bool = true) {
        if revoke { tokens.end(id) }
        guard let session = sessions.withLock({ $0.removeValue(forKey: id) }) else { return }
        session.close()
        logger.debug("session ended", metadata: ["switchboard.session": "\(id.prefix(8))"])
    }

    private func restore(id: String, caller: Principal, virtualServer: String?) -> DownstreamSession? {
        guard let state = tokens.open(id), state.principalID == caller.id, state.virtualServer == virtualServer else { return nil }
        let session = DownstreamSession(
            id: id, revision: state.revision, clientCapabilities: state.capabilities, clientName: state.clientName, tap: tap, metrics: metrics, tracer: tracer,
            principal: caller, virtualServer: virtualServer, serverInfo: serverInfo
        )
        // The client finished the handshake with whichever process minted the id.
        session.markInitialized()
        let held = sessions.withLock { s -> DownstreamSession? in
            // Two requests of one client may race here; both must get the same session.
            if let first = s[id] { return first }
            guard s.count + statelessInFlight.load(ordering: .relaxed) < config.maxSessions else { return nil }
            s[id] = session
            return session
        }
        if held === session {
            logger.debug("session restored", metadata: [
                "switchboard.session": "\(id.prefix(8))", "switchboard.protocol": "\(state.revision)",
                "switchboard.client": "\(state.clientName)",
            ])
        }
        return held
    }

    // MARK: 2026-07-28 requests

    /// A slot and a context for one 2026-07-28 request, which declared `request` in its
    /// `_meta`; nil when the gateway is full (answer 503). The context lives as long as the
    /// request: its answer or its client leaving ends the lease.
    func openStateless(_ request: ModernRequest, caller: Principal, virtualServer: String?) -> StatelessLease? {
        let now = statelessInFlight.add(1, ordering: .relaxed).newValue
        guard now + count <= config.maxSessions else {
            statelessInFlight.subtract(1, ordering: .relaxed)
            return nil
        }
        let session = DownstreamSession(
            id: "", revision: request.version, clientCapabilities: request.capabilities, clientName: request.clientName, tap: tap, metrics: metrics, tracer: tracer,
            principal: caller, virtualServer: virtualServer, serverInfo: serverInfo
        )
        session.logLevel = request.logLevel
        return StatelessLease(session: session, registry: self)
    }

    /// A lease ended: its slot is free.
    func statelessEnded() {
        statelessInFlight.subtract(1, ordering: .relaxed)
    }

    // MARK: Lifecycle

    /// Says once, when the listener opens, whether sessions outlive the process.
    package func logSealing() {
        if tokens.isEphemeral {
            logger.info("no session seal key (sessions.seal_keys, or one kept in the store): session ids are sealed with a random key, so sessions end when the gateway stops and work on this replica only")
        } else {
            logger.debug("session ids are sealed with the configured or stored keys", metadata: ["switchboard.keys": "\(tokens.sealer.keyRing.keys.count)"])
        }
    }

    /// Sweeps idle sessions from now on.
    func start(on loop: any EventLoop) {
        let idle = config.idleTimeout.timeAmount
        let every = min(idle, .seconds(60))
        let task = loop.scheduleRepeatedTask(initialDelay: every, delay: every) { [weak self] _ in
            self?.sweepIdle(olderThan: idle, now: .now())
        }
        sweeper.withLock { $0 = task }
    }

    /// Closes every session (their calls are cancelled upstream).
    func stop() {
        sweeper.withLock { $0?.cancel() }
        let all = sessions.withLock { s -> [DownstreamSession] in
            defer { s.removeAll() }
            return Array(s.values)
        }
        for session in all { session.close() }
    }

    /// Forgets sessions idle for longer than `idle` without ending them: a sealed id
    /// re-creates its session on next use.
    func sweepIdle(olderThan idle: TimeAmount, now: NIODeadline) {
        let expired = sessions.withLock { s -> [DownstreamSession] in
            let idleOnes = s.filter { $0.value.isIdle && now - $0.value.lastActivity > idle }
            for id in idleOnes.keys { s[id] = nil }
            return Array(idleOnes.values)
        }
        for session in expired { session.close() }
        if !expired.isEmpty { logger.debug("idle sessions expired", metadata: ["switchboard.count": "\(expired.count)"]) }
    }
}
