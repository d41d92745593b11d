package import NIOCore
import Synchronization
package import Logging
package import SwitchboardCore
package import SwitchboardPolicy
package import SwitchboardUpstream
import SwitchboardAudit

/// The federating core: many upstream servers behind one MCP face. Transport-neutral: the
/// front doors (HTTP, stdio) hand it one `MCPExchange` per client message. It is a façade
/// over its components, each with only the configuration it needs:
///
/// - `sessions` (`SessionRegistry`): legacy sessions and 2026-07-28 requests, and admission;
/// - `catalogue` (`Catalogue`): lists fetched, merged, cached and indexed;
/// - `calls` (`CallRouter`): dispatch, routing, policy and quotas, forwarding, replies, and
///   through it the `InputBridge` for server-to-client requests across eras;
/// - `listen` (`ListenHub`): listen streams and the fan-out of what servers announce.
///
/// The gateway itself keeps the servers and the lifecycle and forwards upstream events
/// (`Gateway+UpstreamEvents`). All state is behind short locks; nothing here awaits.
package final class Gateway: Sendable {
    package let servers: UpstreamServers
    package let sessions: SessionRegistry
    package let catalogue: Catalogue
    package let calls: CallRouter
    /// `request.refused` records for what the HTTP front door turns away (nil: no audit).
    package let refusals: RefusalRecorder?
    let listen: ListenHub
    /// Policy, virtual servers and quotas, reloadable (`Governance`).
    package let governance: Governance
    /// Where the gateway's own timers run (idle sweep, holds of calls waiting for input).
    package let eventLoop: any EventLoop
    /// How often every server's tools are listed again for the guards (`guards.refresh`).
    private let guardsRefresh: Duration
    private let refreshTask = Mutex<RepeatedTask?>(nil)
    let logger: Logger
    /// The gateway's own version, as `serverInfo` and agent cards give it.
    package let version: String

    /// `makeTransport` builds each server's transport; tests put a recording one in.
    package init(
        config: GatewayConfig,
        group: any EventLoopGroup,
        logger: Logger,
        version: String,
        governance: Governance,
        tap: WireTap? = nil,
        delegated: DelegatedCredentials? = nil,
        personal: PersonalUpstreams? = nil,
        audit: CallAudit? = nil,
        tracer: RequestTracer? = nil,
        guards: DefinitionGuard? = nil,
        content: ContentGuard? = nil,
        approvals: ApprovalDesk? = nil,
        makeTransport: (ServerConfig, any EventLoop, Logger) -> any UpstreamTransport = { UpstreamTransportFactory.make($0, $1, $2) }
    ) {
        self.logger = logger
        self.version = version
        self.governance = governance
        self.eventLoop = group.next()
        servers = UpstreamServers(config.servers, group: group, clientVersion: version, logger: logger, makeTransport: makeTransport)
        let serverInfo = #"{"name":"switchboard","version":"# + JSONWriter.quoted(version) + "}"
        sessions = SessionRegistry(
            config: config.sessions, serverInfo: serverInfo, tap: tap, metrics: config.metrics.enabled ? RequestMetrics.standard : nil, tracer: tracer,
            logger: logger
        )
        catalogue = Catalogue(servers: servers, limits: config.limits, guards: guards, logger: logger)
        guardsRefresh = config.guards.refresh
        listen = ListenHub(sessions: sessions, catalogue: catalogue, keepAlive: config.sessions.keepAlive.timeAmount, logger: logger)
        let input = InputBridge(
            sealer: sessions.sealer, maxHeld: config.sessions.maxSessions, maxJSONDepth: config.limits.maxJSONDepth, names: catalogue, loop: eventLoop, logger: logger
        )
        refusals = audit.map { RefusalRecorder(audit: $0) }
        calls = CallRouter(
            servers: servers, sessions: sessions, catalogue: catalogue, listen: listen, input: input, governance: governance,
            delegated: delegated, personal: personal, audit: audit, content: content, approvals: approvals, limits: config.limits, logger: logger
        )
    }

    /// Starts every server and the idle-session sweeper.
    package func start() {
        for server in servers.all {
            server.setDelegate(self)
            server.start()
        }
        calls.personal?.start(delegate: self, on: eventLoop)
        sessions.start(on: eventLoop)
        startGuards()
    }

    /// A tool hidden or back: clients list again. And every `guards.refresh`, each server's
    /// tools are listed through the guards, so a server that changes a tool without
    /// announcing it is caught within that time even when no client lists.
    private func startGuards() {
        guard let guards = catalogue.guards else { return }
        guards.onExposureChange { [listen] in listen.broadcast(listChanged: MCPMethod.toolsListChanged) }
        let interval = guardsRefresh.timeAmount
        let task = eventLoop.scheduleRepeatedAsyncTask(initialDelay: interval, delay: interval) { [servers, catalogue, eventLoop] _ in
            let ready = servers.all.filter { $0.initializeResult?["capabilities"]?["tools"] != nil }
            return EventLoopFuture.andAllComplete(ready.map { catalogue.listTools(of: $0, on: eventLoop) }, on: eventLoop)
        }
        refreshTask.withLock { $0 = task }
    }

    /// Ends listen streams and sessions, then stops the servers (their process groups are
    /// torn down).
    package func shutdown() -> EventLoopFuture<Void> {
        refreshTask.withLock { $0?.cancel() }
        listen.endAll()
        sessions.stop()
        let personal = calls.personal?.stopAll(on: eventLoop) ?? eventLoop.makeSucceededVoidFuture()
        return EventLoopFuture.andAllComplete(servers.all.map { $0.stop() } + [personal], on: eventLoop)
    }

    // MARK: Front doors

    /// Handles one message of a legacy session (or a notification or answer).
    package func handle(_ exchange: MCPExchange) {
        calls.handle(exchange)
    }

    /// Answers `initialize`: negotiates the version, creates the session and returns it with
    /// the whole response message (already recorded by the wire tap). Waits briefly for
    /// servers still starting so the advertised capabilities are the honest union of what the
    /// servers offer. Fails with `.sessionLimit` when the gateway is full.
    package func initialize(
        _ message: JSONRPCMessage, caller: Principal, virtualServer: String? = nil, on loop: any EventLoop
    ) -> EventLoopFuture<(DownstreamSession, ByteBuffer)> {
        let opened = openSession(message, caller: caller, virtualServer: virtualServer, on: loop)
        if let audit = calls.audit {
            opened.whenSuccess { session, _ in audit.session(.sessionOpened, session) }
        }
        guard let metrics = sessions.metrics else { return opened }
        let received = ExchangeTimings.now()
        opened.whenComplete { result in
            var errorType = ""
            if case .failure(let error) = result { errorType = String(GatewayError(error).code) }
            metrics.record(
                method: MCPMethod.initialize, server: nil, tool: nil, errorType: errorType, received: received, upstreamSent: 0, upstreamAnswered: 0,
                answered: ExchangeTimings.now()
            )
        }
        return opened
    }

    private func openSession(
        _ message: JSONRPCMessage, caller: Principal, virtualServer: String?, on loop: any EventLoop
    ) -> EventLoopFuture<(DownstreamSession, ByteBuffer)> {
        guard sessions.hasRoom else { return loop.makeFailedFuture(GatewayError.sessionLimit("too many sessions")) }
        let params = message.params
        let revision = ProtocolRevision.negotiate(params?["protocolVersion"]?.string)
        let session = sessions.mint(
            revision: revision, clientName: params?["clientInfo"]?["name"]?.string ?? "unknown", capabilities: params?["capabilities"],
            caller: caller, virtualServer: virtualServer
        )
        return servers.settled(within: .seconds(3), on: loop).flatMapThrowing {
            guard self.sessions.admit(session) else { throw GatewayError.sessionLimit("too many sessions") }
            let result = self.catalogue.capabilities.initializeResult(revision: revision, serverInfo: session.serverInfo)
            let response = JSONRPCEncoding.result(id: message.id!, result: result)
            session.tap?.record(revision: revision, kind: .response, method: MCPMethod.initialize, message: response)
            return (session, response)
        }
    }

    /// A 2026-07-28 request its front door checked (`ModernRequest`): admitted within
    /// `sessions.max_sessions` and handled in a context that lives as long as it does. Nil
    /// when the gateway is full; the request was answered (503) then. The front door keeps
    /// the exchange only to tell it when its client leaves.
    package func serveStateless(
        _ message: JSONRPCMessage, request: ModernRequest, caller: RequestCaller, virtualServer: String?,
        responder: any DownstreamResponder, on loop: any EventLoop, received: UInt64? = nil
    ) -> MCPExchange? {
        guard let lease = sessions.openStateless(request, caller: caller.principal, virtualServer: virtualServer) else {
            let refusal = ErrorReply(.sessionLimit("too many sessions and requests in flight"), id: message.id, modernClient: true)
            responder.sendFinal(refusal.body, httpStatus: refusal.httpStatus, retryAfter: nil)
            return nil
        }
        let exchange = MCPExchange(
            message: message, session: lease.session, caller: caller, responder: responder, loop: loop, received: received, lease: lease
        )
        calls.handle(exchange)
        return exchange
    }

    /// Ends a session for good (`SessionRegistry.end`) and records why (`session.ended`).
    package func endSession(_ session: DownstreamSession, revoke: Bool = true, why: String) {
        sessions.end(id: session.id, revoke: revoke)
        calls.audit?.session(.sessionEnded, session, detail: why)
    }

    // MARK: Inspection (`check`, `policy test`, `tools list`, the admin API)

    /// What the gateway would do with one `tools/call` (arguments: a JSON object, or nil).
    package func dryRun(principal: Principal, virtualServer: String?, tool: String, arguments: ByteBuffer?, maxJSONDepth: Int) throws -> PolicyDryRun {
        let view = try arguments.map { try JSONView.parse($0, maxDepth: maxJSONDepth) }
        return PolicyDryRun(
            rules: governance.current, annotations: catalogue.annotations, principal: principal, virtualServer: virtualServer, tool: tool,
            arguments: view
        )
    }

    /// Every tool `principal` sees through `virtualServer` (`switchboard tools list --as`).
    package func visibleTools(principal: Principal, virtualServer: String?, on loop: any EventLoop) -> EventLoopFuture<[JSONView]> {
        catalogue.visibleTools(principal: principal, virtualServer: virtualServer, rules: governance.current, on: loop)
    }
}
