package import NIOCore
package import Logging
package import SwitchboardCore
package import SwitchboardUpstream
import Synchronization

/// The federating core: many upstream servers behind one MCP face. Transport-neutral: the
/// HTTP and stdio front ends hand it parsed messages with a session and a responder; it
/// merges lists, routes calls and relays everything in between. All state is behind short
/// locks; nothing here awaits.
package final class Gateway: Sendable {
    package let config: GatewayConfig
    /// Enabled servers in config order, which is the merged lists' order.
    package let servers: [UpstreamServer]
    let serversByName: [String: UpstreamServer]
    let sessions = Mutex<[String: DownstreamSession]>([:])
    /// Mints and opens the sealed session ids (`Gateway+Sessions`).
    let sessionTokens: SessionTokens
    let resourceIndex = ResourceIndex()
    let mergedLists = MergedListCache()
    /// Calls of 2026-07-28 clients waiting for their retry after `input_required`.
    let heldCalls = HeldCalls()
    /// Lists a server called `private` (2026-07-28 `cacheScope`): the merged list is private
    /// too from then on, never downgraded to public (digest §7.2).
    let privateLists = Mutex<Set<ListKind>>([])
    /// Tools whose arguments travel as `Mcp-Param-*` headers too.
    let paramHeaders = ParamHeaderIndex()
    /// 2026-07-28 requests and listen streams being answered (see `admitModern`).
    let modernInFlight = Atomic<Int>(0)
    /// Open `subscriptions/listen` streams of 2026-07-28 clients.
    let listeners = ListenRegistry()
    let findings = Mutex<[String: [CatalogueFinding]]>([:])
    let tap: WireTap?
    package let logger: Logger
    package let version: String
    /// `{"name":"switchboard","version":…}`, stamped on results for 2026-07-28 clients.
    let serverInfoJSON: String
    package let eventLoop: any EventLoop
    /// Authentication, policy, virtual servers and quotas (`Governance`).
    package let governance: Governance
    /// The tokens stored per caller for `delegated` servers (nil when none is configured).
    package let delegated: DelegatedCredentials?
    /// The admin API's way to store them (`/admin/v1/credentials`).
    let adminCredentials: (any AdminCredentialStore)?
    private let sweeper = Mutex<RepeatedTask?>(nil)

    package init(
        config: GatewayConfig,
        group: any EventLoopGroup,
        logger: Logger,
        version: String,
        governance: Governance,
        tap: WireTap? = WireTap.fromEnvironment(),
        delegated: DelegatedCredentials? = nil,
        adminCredentials: (any AdminCredentialStore)? = nil,
        makeTransport: (ServerConfig, any EventLoop, Logger) -> any UpstreamTransport = UpstreamTransportFactory.make
    ) {
        self.config = config
        self.logger = logger
        self.version = version
        self.serverInfoJSON = #"{"name":"switchboard","version":"# + JSONWriter.quoted(version) + "}"
        self.tap = tap
        self.governance = governance
        self.delegated = delegated
        self.adminCredentials = adminCredentials
        self.sessionTokens = SessionTokens(config: config.sessions)
        self.eventLoop = group.next()
        var servers: [UpstreamServer] = []
        for server in config.servers where server.enabled {
            let loop = group.next()
            var serverLogger = logger
            serverLogger[metadataKey: "switchboard.transport"] = "\(server.transport.kindName)"
            servers.append(
                UpstreamServer(
                    config: server,
                    transport: makeTransport(server, loop, serverLogger),
                    eventLoop: loop,
                    logger: serverLogger,
                    clientVersion: version
                )
            )
        }
        self.servers = servers
        self.serversByName = Dictionary(uniqueKeysWithValues: servers.map { ($0.name, $0) })
    }

    /// Starts every server and the idle-session sweeper.
    package func start() {
        for server in servers {
            server.setDelegate(self)
            server.start()
        }
        let idle = config.sessions.idleTimeout.timeAmount
        let every = min(idle, .seconds(60))
        let task = eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { [weak self] _ in
            self?.sweepIdleSessions(olderThan: idle)
        }
        sweeper.withLock { $0 = task }
    }

    /// Ends sessions and stops servers (their process groups are torn down).
    package func shutdown() -> EventLoopFuture<Void> {
        sweeper.withLock { $0?.cancel() }
        endListeners()
        let all = sessions.withLock { s -> [DownstreamSession] in
            defer { s.removeAll() }
            return Array(s.values)
        }
        for session in all { session.close() }
        let stops = servers.map { $0.stop() }
        return EventLoopFuture.andAllComplete(stops, on: eventLoop)
    }

    package func server(named name: String) -> UpstreamServer? { serversByName[name] }

    /// Findings from the latest lists, per server and list, for `check` and the admin API.
    package var catalogueFindings: [CatalogueFinding] {
        findings.withLock { f in f.keys.sorted().flatMap { f[$0]! } }
    }

    /// Completes once no server is still on its first start, or after `limit`. A server that
    /// was up before and is restarting does not hold clients up: its capabilities are known.
    package func settled(within limit: TimeAmount, on loop: any EventLoop) -> EventLoopFuture<Void> {
        let deadline = NIODeadline.now() + limit
        let promise = loop.makePromise(of: Void.self)
        @Sendable func poll() {
            let starting = servers.contains { $0.initializeResult == nil && $0.status.phase == .starting }
            if !starting || NIODeadline.now() >= deadline {
                promise.succeed()
            } else {
                loop.scheduleTask(in: .milliseconds(25)) { poll() }
            }
        }
        poll()
        return promise.futureResult
    }
}
