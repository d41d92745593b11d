public import Logging
public import SwitchboardCore
package import SwitchboardDataPlane
package import SwitchboardAudit
package import SwitchboardGuards
import SwitchboardControl
import SwitchboardIdentity
import SwitchboardPolicy
import SwitchboardStore
import SwitchboardUpstream
import ServiceLifecycle
public import UnixSignals
public import NIOCore
import NIOPosix
import Foundation
import Synchronization

/// Everything `serve` and `stdio` run, wired together: event loops, the store's pollers, the
/// JWT key set, the gateway core and its front door. Every long-lived part is a `Service` in
/// one `ServiceGroup`, started in dependency order and shut down in reverse (`services`);
/// `run` is how the commands use it, `start`/`shutdown` how tests and one-shot commands do
/// (the same group, in the background).
public final class GatewayRuntime: Sendable {
    public let config: GatewayConfig
    public static let version = "0.1.0"
    let group: MultiThreadedEventLoopGroup
    package let gateway: Gateway
    let authentication: CallerAuthentication
    let admin: AdminAPI
    private let logger: Logger
    /// Keeps the API keys in memory in step with the store (nil when keys are not accepted).
    private let keyService: KeyDirectoryService?
    /// Keeps the delegated tokens in memory in step with the store (nil when no server is
    /// configured with `credentials.delegated`).
    private let delegatedService: DelegatedCredentialService?
    /// Verifies JWT bearer tokens (nil without `auth.jwt`); its key set refreshes in the background.
    private let tokens: JWTVerifier?
    /// The OAuth connections of `credentials.oauth` servers (nil when there are none).
    let oauth: OAuthConnections?
    /// The guards and their store poller (nil when `guards.enabled` is false or there are no servers).
    let guardService: GuardService?
    let approvalService: ApprovalService?
    /// The audit trail of calls (nil when off); closed when the gateway stops.
    let audit: CallAudit?
    /// Where the trail is copied to (the store's index, `audit.sinks`); nil when it is off.
    let auditSinks: AuditSinkSet?
    /// Sends spans over OTLP (nil when traces are off).
    let spanExporter: OTLPSpanExporter?
    /// The group `start` runs in the background, until `shutdown`.
    private let background = Mutex<(group: ServiceGroup, task: Task<Void, any Error>)?>(nil)

    /// Where MCP clients come in.
    public enum FrontDoor: Sendable {
        /// The HTTP listener (`listen`).
        case http
        /// One client on stdin/stdout; the runtime ends when it closes stdin.
        case stdio
        /// None: the servers only (`check`, `policy test`, `tools list`).
        case none
    }

    /// `wireLog` names a file to record every message sent to clients (see `WireTap`); by
    /// default the `SWITCHBOARD_WIRE_LOG` environment variable decides. Fails when the store
    /// cannot be opened or the policy does not compile.
    ///
    /// `recordsAudit` false leaves the audit trail closed (commands that make no calls, such
    /// as `check`, while a gateway may be writing the same journal).
    public init(config given: GatewayConfig, logger: Logger, threads: Int = System.coreCount, wireLog: String? = nil, recordsAudit: Bool = true) throws {
        var config = given
        self.logger = logger
        // Before any metric handle is made: one made earlier would count nowhere.
        MetricsExporter.bootstrap()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        self.group = group
        let tap = wireLog.flatMap { WireTap(path: $0) } ?? WireTap.fromEnvironment()
        var opened: CallAudit?
        do {
            var adminKeys: StoreAdminKeys?
            let acceptsKeys = config.auth?.apiKeys == true
            let delegates = config.servers.contains { $0.enabled && $0.credentials?.isDelegated == true }
            let oauthServers = config.servers.filter { $0.enabled && $0.credentials?.isOAuth == true }
            let indexesAudit = recordsAudit && config.audit.enabled && config.audit.storeIndex
            // One store object for all: its change token is shared by the pollers.
            let guarded = config.guards.enabled && config.servers.contains { $0.enabled }
            // Without configured seal keys the store keeps them (`SealKeysFromStore`).
            let sealsFromStore = config.sessions.sealKeys.isEmpty
            let store: SQLiteStore? =
                try acceptsKeys || delegates || !oauthServers.isEmpty || indexesAudit || guarded || sealsFromStore ? SQLiteStore(url: config.store) : nil
            if let store { config.sessions.sealKeys = SealKeysFromStore.keys(configured: config.sessions.sealKeys, store: store, logger: logger) }
            self.config = config
            // Opened first: the key directory records the key changes it sees.
            let audit = recordsAudit && config.audit.enabled ? try AuditTrail.open(config.audit, serverLabels: config.serverLabels, logger: logger) : nil
            opened = audit
            self.audit = audit
            if acceptsKeys, let store {
                let service = try KeyDirectoryService(store: store, logger: logger, audit: audit)
                keyService = service
                adminKeys = StoreAdminKeys(store: store, directory: service.directory)
            } else {
                keyService = nil
            }
            var adminCredentials: StoreAdminCredentials?
            if delegates, let store {
                guard let sealer = DelegatedCredentialSealer(sealKeys: config.sessions.sealKeys.map(\.value)) else {
                    throw RuntimeError(message: "delegated credentials are encrypted with the session seal keys, and neither sessions.seal_keys nor the store gave one; set sessions.seal_keys")
                }
                let service = try DelegatedCredentialService(store: store, sealer: sealer, logger: logger)
                delegatedService = service
                adminCredentials = StoreAdminCredentials(store: store, sealer: sealer, credentials: service.credentials)
            } else {
                delegatedService = nil
            }
            tokens = config.auth.flatMap { auth in
                auth.jwt.map { JWTVerifier(config: $0, resource: auth.resource, group: group, logger: logger) }
            }
            let governance = try Governance(config: config, logger: logger)
            let holders = OAuthTokenHolders(servers: oauthServers.map(\.name))
            let keys = config.sessions.sealKeys.map(\.value)
            let links = SealKeyRing(secrets: keys).map { ConsentLinks(sealer: Sealer(keyRing: $0), origin: Self.publicOrigin(config)) }
            var personal: PersonalUpstreams?
            if let links, oauthServers.contains(where: { $0.credentials?.isPerUserOAuth == true }) {
                personal = PersonalUpstreams(
                    group: group, clientVersion: Self.version, logger: logger, holders: holders, links: links,
                    makeTransport: { UpstreamTransportFactory.make($0, $1, $2, oauthTokens: holders, principal: $3, route: $4) }
                )
            }
            auditSinks = try audit.map { audit in
                try AuditSinkSet(config: config.audit, journal: audit.journal, store: store, group: group, version: Self.version, logger: logger)
            }
            let traces = try TracesSetup.resolve(config.traces, environment: ProcessInfo.processInfo.environment)
            spanExporter = traces.endpoint.map { OTLPSpanExporter(config: traces, endpoint: $0, version: Self.version, group: group, logger: logger) }
            let tracer = spanExporter.map { RequestTracer(config: traces, recorder: $0) }
            if let spanExporter {
                logger.info("traces on", metadata: [
                    "switchboard.otlp_endpoint": "\(spanExporter.destination)", "switchboard.sample_ratio": "\(traces.sampleRatio)",
                    "switchboard.trace_inbound": "\(traces.inbound.rawValue)",
                ])
            }
            for server in config.servers where server.enabled {
                guard case .openAPI(let api) = server.transport else { continue }
                logger.info("OpenAPI document compiled", metadata: [
                    "switchboard.server": "\(server.name)", "switchboard.document": "\(api.document)", "switchboard.tools": "\(api.service.operations.count)",
                ])
            }
            for finding in config.openAPIFindings { logger.warning("OpenAPI operation: \(finding)") }
            guardService = try store.flatMap { store in
                guarded ? try GuardService(config: config, store: store, audit: audit, persists: recordsAudit, logger: logger) : nil
            }
            approvalService = try store.map { store in
                try ApprovalService(config: config, store: store, audit: audit, persists: recordsAudit, logger: logger)
            }
            gateway = Gateway(
                config: config, group: group, logger: logger, version: Self.version, governance: governance, tap: tap,
                delegated: delegatedService?.credentials, personal: personal, audit: audit, tracer: tracer, guards: guardService?.guards, content: guardService?.content,
                approvals: approvalService?.desk,
                makeTransport: { UpstreamTransportFactory.make($0, $1, $2, oauthTokens: holders) }
            )
            if !oauthServers.isEmpty, let store {
                guard let links, let sealer = DelegatedCredentialSealer(sealKeys: keys) else {
                    throw RuntimeError(message: "OAuth tokens and consent links are sealed with the session seal keys, and neither sessions.seal_keys nor the store gave one; set sessions.seal_keys")
                }
                let connections = OAuthConnections(
                    servers: oauthServers, holders: holders, links: links, store: store, sealer: sealer, group: group, gateway: gateway, logger: logger
                )
                try connections.load()
                oauth = connections
            } else {
                oauth = nil
            }
            authentication = CallerAuthentication(
                auth: config.auth, listen: config.listen, isTLS: config.tls != nil, keys: keyService?.directory, tokens: tokens
            )
            admin = AdminAPI(
                gateway: gateway, config: config, authentication: authentication, keys: adminKeys, credentials: adminCredentials,
                audit: auditSinks.map { RuntimeAuditTrail(directory: config.audit.journal, sinks: $0) },
                approvals: store.map { StoreAdminApprovals(store: $0) },
                pins: store.map { StoreAdminPins(store: $0) },
                signIn: config.console.oidc.map { oidc in
                    ConsoleSignIn(
                        settings: oidc, publicOrigin: Self.publicOrigin(config),
                        resource: config.auth?.resource ?? config.auth?.jwt?.audiences.first ?? Self.publicOrigin(config) + "/mcp",
                        http: OAuthHTTP(group: group)
                    )
                }
            )
        } catch {
            // A journal opened before the failure is closed in order (else the next start
            // would find it left by a crash).
            opened?.journal.close()
            try? group.syncShutdownGracefully()
            throw RuntimeError(message: "\(error)")
        }
    }

    // MARK: Running

    /// Runs until the front door ends (stdio: the client closed stdin) or a shutdown signal
    /// arrives; then every part stops in reverse order of start. `demo` adds the built-in demo
    /// server (`demo.http`); `reloadFrom` watches that config file for rule changes.
    public func run(_ door: FrontDoor, demo: Bool = true, reloadFrom path: String? = nil, signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let parts = try services(door: door, demo: demo, reloadFrom: path, started: StartSignal(), bound: { _ in })
        defer { oauth?.shutdown() }
        try await ServiceGroup(configuration: .init(services: parts, gracefulShutdownSignals: signals, logger: logger)).run()
    }

    /// Starts the runtime's services in the background and returns once they serve: with the
    /// listener's port (`listen`), else 0 once the servers are starting. `demo` adds the built-in
    /// demo server (`demo.http`). `shutdown` stops them.
    @discardableResult
    public func start(listen: Bool = true, demo: Bool = false) async throws -> Int {
        let (ready, signal) = AsyncStream.makeStream(of: Int.self)
        let started = StartSignal()
        let parts = try services(door: listen ? .http : .none, demo: demo, reloadFrom: nil, started: started, bound: { signal.yield($0) })
        let services = ServiceGroup(configuration: .init(services: parts, logger: logger))
        // The group runs in a task of its own: the caller goes on using the runtime until it
        // calls `shutdown`, which stops the group and waits for it.
        let task = Task {
            defer {
                signal.finish()
                // Whoever still waits for a start that never came is let go.
                started.signal()
            }
            try await services.run()
        }
        background.withLock { $0 = (services, task) }
        if !listen {
            // No listener to report a port: the gateway having started is the sign.
            Task {
                await started.wait()
                signal.yield(0)
            }
        }
        for await port in ready { return port }
        try await task.value
        throw RuntimeError(message: "the gateway stopped while starting")
    }

    /// Stops what `start` started, in reverse order of start, and waits until it has.
    public func shutdown() async throws {
        oauth?.shutdown()
        guard let running = background.withLock({ $0.take() }) else { return }
        await running.group.triggerGracefulShutdown()
        try await running.task.value
    }

    /// The runtime's parts in the order they start; a `ServiceGroup` stops them in reverse:
    /// event loops first (stopped last), the demo server before the gateway that may call it,
    /// the gateway core, what keeps credentials fresh, then the front door (stopped first, so
    /// no request arrives while the rest drains), then the config watcher.
    private func services(
        door: FrontDoor, demo: Bool, reloadFrom path: String?, started: StartSignal, bound: @escaping @Sendable (Int) -> Void
    ) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        var parts: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: EventLoopGroupService(group: group))]
        var before: [StartSignal] = []
        if demo, let listen = config.demo.http {
            let listening = StartSignal()
            before.append(listening)
            parts.append(.init(service: DemoHTTPService(listen: listen, logger: logger, listening: listening)))
        }
        if let spanExporter { parts.append(.init(service: SpanExportService(exporter: spanExporter))) }
        if let auditSinks { parts.append(.init(service: AuditSinksService(sinks: auditSinks))) }
        if let audit { parts.append(.init(service: AuditService(audit: audit))) }
        parts.append(.init(service: GatewayService(gateway: gateway, started: started, after: before)))
        if let keyService { parts.append(.init(service: keyService)) }
        if let delegatedService { parts.append(.init(service: delegatedService)) }
        if let guardService { parts.append(.init(service: guardService)) }
        if let approvalService { parts.append(.init(service: approvalService)) }
        if let source = tokens?.source { parts.append(.init(service: JWKSRefreshService(source: source))) }
        switch door {
        case .http:
            try checkListenerIsSafe()
            // Certificate and key are read before anything starts, so a bad file stops nothing half-started.
            let tls = try ListenerTLS.load(config)
            parts.append(.init(service: HTTPListenerService(
                gateway: gateway, config: config, authentication: authentication, control: admin, consent: oauth, metrics: metricsEndpoint(), tls: tls,
                group: group, logger: logger,
                gatewayStarted: started,
                bound: { port in
                    self.gateway.sessions.logSealing()
                    bound(port)
                }
            )))
        case .stdio:
            let stdio = StdioService(gateway: gateway, caller: Self.localCaller(), limits: config.limits, group: group, gatewayStarted: started)
            // The client closing stdin ends the runtime, in order.
            parts.append(.init(service: stdio, successTerminationBehavior: .gracefullyShutdownGroup))
        case .none:
            break
        }
        if let path {
            parts.append(.init(service: ConfigReloadService(
                path: path, environment: ConfigLoader.substitutionEnvironment(), runtime: self, logger: logger
            )))
        }
        return parts
    }

    /// `/metrics`, unless `metrics.enabled` is off.
    private func metricsEndpoint() -> MetricsEndpoint? {
        guard config.metrics.enabled else { return nil }
        let gateway = gateway
        let journal = audit?.journal
        return MetricsEndpoint(config: config.metrics, contentType: MetricsExporter.contentType) {
            MetricsExporter.render(gateway, audit: journal)
        }
    }

    /// Without `auth` the gateway would serve anyone who can reach it: only on loopback, or
    /// when TLS requires client certificates (which authenticate every connection).
    private func checkListenerIsSafe() throws {
        let certificatesRequired = config.tls.map { $0.clientCA != nil && $0.clientCertificates == .required } ?? false
        if config.auth == nil, !config.listen.isLoopback, !certificatesRequired {
            throw RuntimeError(
                message: "auth is not configured, so the gateway would serve anyone who can reach \(config.listen); "
                    + "add an auth section (docs/security.md), or `auth: { anonymous: true }` to allow that on purpose"
            )
        }
    }

    /// The caller of `switchboard stdio`: the local user, trusted like the command line.
    static func localCaller() -> Principal {
        let user = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "stdio"
        return Principal(kind: .local, name: user)
    }

    /// Waits up to `seconds` for every server to finish starting.
    public func waitForServers(seconds: Int64) async {
        try? await gateway.servers.settled(within: .seconds(seconds), on: group.next()).get()
    }

    // MARK: Reloading

    /// Swaps in the policy, virtual servers and quotas of `newConfig` (hot reload); returns the
    /// policy version now in force. Throws, changing nothing, when the policy does not compile.
    @discardableResult
    public func reloadRules(_ newConfig: GatewayConfig) throws -> String {
        try gateway.governance.reload(newConfig)
    }

    /// The policy version in force.
    public var policyVersion: String { gateway.governance.current.policy.version }

    /// Writes a record about the gateway itself (a reload) to the audit trail, when there is
    /// one; a failure is logged and counted like a call record's.
    package func recordAudit(_ record: AuditRecord) {
        guard let audit else { return }
        do {
            try audit.journal.append(record)
        } catch {
            logger.error("audit record not written", metadata: ["switchboard.error": "\(error)", "switchboard.audit_event": "\(record.event.rawValue)"])
        }
    }

    /// The sections of `newConfig` that differ from the running configuration and that a reload
    /// does not apply.
    public func sectionsNeedingRestart(comparedWith newConfig: GatewayConfig) -> [String] {
        var changed: [String] = []
        if newConfig.listen != config.listen { changed.append("listen") }
        if newConfig.store != config.store { changed.append("store") }
        if newConfig.servers != config.servers { changed.append("servers") }
        if newConfig.limits != config.limits { changed.append("limits") }
        if newConfig.sessions != config.sessions { changed.append("sessions") }
        if newConfig.security != config.security { changed.append("security") }
        if newConfig.auth != config.auth { changed.append("auth") }
        if newConfig.demo != config.demo { changed.append("demo") }
        if newConfig.tls != config.tls { changed.append("tls") }
        if newConfig.audit != config.audit { changed.append("audit") }
        return changed
    }

    // MARK: Inspecting

    /// For `check` and tests: a whole merged list.
    public func catalogue(_ kind: String) async throws -> [CatalogueItem] {
        guard let listKind = ListKind(rawValue: kind) else { return [] }
        let items = try await gateway.catalogue.fullList(listKind, on: group.next()).get()
        return items.map { CatalogueItem(identity: $0[listKind.identityKey]?.string ?? "?", description: $0["description"]?.string) }
    }

    public var findings: [String] { gateway.catalogue.findings.map(\.description) }

    /// How large the tools list is at `/mcp` and at each virtual server (before per-caller
    /// policy), in tools and in tokens (a list's JSON bytes / 4, the usual estimate), with each
    /// virtual server's cap and search mode (`switchboard check`).
    public func toolListSizes() async throws -> [ToolListSize] {
        let items = try await gateway.catalogue.fullList(.tools, on: group.next()).get()
        let names = gateway.catalogue.shownTools.book
        let rules = gateway.governance.current
        func size(_ included: [JSONView]) -> Int { included.reduce(2) { $0 + $1.bytes.readableBytes + 1 } / 4 }
        var sizes = [ToolListSize(endpoint: "/mcp", tools: items.count, tokens: size(items), maxTools: nil, search: false)]
        for name in rules.virtualServers.names {
            guard let server = rules.virtualServers.server(named: name) else { continue }
            let included = items.filter { item in
                item["name"]?.string.flatMap(names.route).map { server.includesTool($0.canonical) } ?? false
            }
            sizes.append(ToolListSize(endpoint: "/mcp/" + name, tools: included.count, tokens: size(included), maxTools: server.maxTools, search: server.search != nil))
        }
        return sizes
    }

    /// Every tool and prompt whose shown name is not its canonical `{server}__{name}`, or was
    /// prefixed for a collision, and every resource URI or template several servers share,
    /// with why (`switchboard check`), as of the lists read so far.
    public var shownNames: [String] {
        gateway.catalogue.shownTools.book.mappings.map { "tool " + $0.description }
            + gateway.catalogue.shownPrompts.book.mappings.map { "prompt " + $0.description }
            + gateway.catalogue.resourceIndex.mappings.map(\.description)
    }

    /// Every server's definitions as sent, before the guards (`switchboard scan --server`), and
    /// the servers that could not be listed, with why.
    package func definitions() async throws -> (catalogue: GuardCatalogue, leftOut: [String: String]) {
        try await gateway.catalogue.definitions(on: group.next()).get()
    }

    /// Where browsers reach the gateway: `public_url`, else the listener's address.
    /// The origin of `auth.resource` (the gateway's own public `/mcp` URI) stands in for a
    /// missing `public_url`: an operator who named one need not name the other.
    static func publicOrigin(_ config: GatewayConfig) -> String {
        config.publicURL?.origin ?? config.auth?.resource.flatMap(WebURL.init(parsing:))?.origin
            ?? (config.tls == nil ? "http://" : "https://") + config.listen.description
    }

    /// A consent link for the `credentials.oauth` server `server` of `config`: for the
    /// gateway's own connection, or with `principal` for that caller's (a `per_user` server)
    /// (`switchboard connect`). Made from the config alone (its seal keys and public URL), so
    /// no running gateway is needed to hand one out. Fails naming what is missing.
    public static func consentLink(config: GatewayConfig, server: String, principal: String? = nil) throws -> String {
        guard let entry = config.servers.first(where: { $0.name == server }) else {
            throw RuntimeError(message: "no server named \(server) in the config")
        }
        guard entry.credentials?.isOAuth == true else {
            throw RuntimeError(message: "server \(server) does not connect with OAuth (credentials.oauth)")
        }
        if principal != nil, entry.credentials?.isPerUserOAuth != true {
            throw RuntimeError(message: "server \(server) connects once for the whole gateway (credentials.oauth.mode: shared); leave out --as")
        }
        // The keys the gateway seals with: configured ones, else the one its store keeps.
        var keys = config.sessions.sealKeys
        if let store = try? SQLiteStore(url: config.store) {
            keys = SealKeysFromStore.keys(configured: keys, store: store, logger: Logger(label: "switchboard.connect"))
        }
        guard let ring = SealKeyRing(secrets: keys.map(\.value)) else {
            throw RuntimeError(message: "consent links are sealed with the session seal keys, and neither sessions.seal_keys nor the store gave one; set sessions.seal_keys")
        }
        return ConsentLinks(sealer: Sealer(keyRing: ring), origin: publicOrigin(config)).link(server: server, by: principal ?? OAuthConnections.principal)
    }

    public var serverStatuses: [ServerStatusLine] {
        gateway.servers.all.map { server in
            let s = server.status
            return ServerStatusLine(
                name: s.name, transport: s.transport, state: s.phase.label, protocolVersion: s.protocolVersion, serverInfo: s.serverInfo,
                lastError: s.lastError, connection: s.connection, verificationOff: s.verificationOff, oauth: s.oauth
            )
        }
    }
}

/// The runtime could not be built or started; the message names what and why.
public struct RuntimeError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

public struct CatalogueItem: Sendable {
    public var identity: String
    public var description: String?
}

public struct ServerStatusLine: Sendable {
    public var name: String
    public var transport: String
    public var state: String
    public var protocolVersion: String?
    public var serverInfo: String?
    public var lastError: String?
    /// How an HTTP server is reached: TLS checks and proxy; nil for stdio.
    public var connection: String?
    /// `tls.insecure_skip_verify` is set.
    public var verificationOff: Bool
    /// For a `credentials.oauth` server: connected (issuer, expiry) or why not.
    public var oauth: String?
}

/// One endpoint's tools list, as `switchboard check` reports it.
public struct ToolListSize: Sendable {
    public var endpoint: String
    public var tools: Int
    /// About how many tokens the list takes in a model's context.
    public var tokens: Int
    public var maxTools: Int?
    public var search: Bool

    public var description: String {
        var text = "\(endpoint): \(tools) tools, about \(tokens) tokens"
        if search { text += "; search mode: clients see search_tools and call_tool" }
        if let maxTools {
            text += tools > maxTools && !search ? "; WARNING: over max_tools \(maxTools), the list is cut to \(maxTools)" : "; max_tools \(maxTools)"
        } else if tools > 128 && !search {
            text += "; WARNING: OpenAI and VS Code take at most 128 tools a request (a virtual server's max_tools or search helps)"
        }
        return text
    }
}

