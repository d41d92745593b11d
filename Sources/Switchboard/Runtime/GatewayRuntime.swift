public import Logging
public import SwitchboardCore
package import SwitchboardDataPlane
import SwitchboardIdentity
import SwitchboardStore
import SwitchboardUpstream
public import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Everything `serve` runs, wired together: event loops, the upstream servers, the data
/// plane's HTTP listener. Tests start it in-process on port 0.
public final class GatewayRuntime: Sendable {
    public let config: GatewayConfig
    public static let version = "0.1.0"
    let group: MultiThreadedEventLoopGroup
    package let gateway: Gateway
    private let listener = Mutex<(any Channel)?>(nil)
    private let logger: Logger
    /// Keeps the API keys in memory in step with the store (nil when keys are not accepted).
    private let keyService: KeyDirectoryService?
    /// Keeps the delegated tokens in memory in step with the store (nil when no server is
    /// configured with `credentials.delegated`).
    private let delegatedService: DelegatedCredentialService?
    /// Verifies JWT bearer tokens (nil without `auth.jwt`); its key set refreshes in the background.
    private let tokens: JWTVerifier?
    /// The key reload and JWKS refresh loops, from `start` to `shutdown`.
    private let background = Mutex<Task<Void, Never>?>(nil)

    /// `wireLog` names a file to record every message sent to clients (see `WireTap`); by
    /// default the `SWITCHBOARD_WIRE_LOG` environment variable decides. Fails when the store
    /// cannot be opened or the policy does not compile.
    public init(config: GatewayConfig, logger: Logger, threads: Int = System.coreCount, wireLog: String? = nil) throws {
        // Writes to a child whose stdin closed must fail with EPIPE, not kill the gateway.
        signal(SIGPIPE, SIG_IGN)
        self.config = config
        self.logger = logger
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        self.group = group
        let tap = wireLog.flatMap { WireTap(path: $0) } ?? WireTap.fromEnvironment()
        do {
            var adminKeys: StoreAdminKeys?
            let acceptsKeys = config.auth?.apiKeys == true
            let delegates = config.servers.contains { $0.enabled && $0.credentials?.isDelegated == true }
            // One store object for both: its change token is shared by the two pollers.
            let store: SQLiteStore? = try acceptsKeys || delegates ? SQLiteStore(url: config.store) : nil
            if acceptsKeys, let store {
                let service = try KeyDirectoryService(store: store, logger: logger)
                keyService = service
                adminKeys = StoreAdminKeys(store: store, directory: service.directory)
            } else {
                keyService = nil
            }
            var adminCredentials: StoreAdminCredentials?
            if delegates, let store {
                guard let sealer = DelegatedCredentialSealer(sealKeys: config.sessions.sealKeys.map(\.value)) else {
                    throw RuntimeError(message: "delegated credentials are encrypted with sessions.seal_keys; set at least one")
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
            let governance = try Governance(config: config, keys: keyService?.directory, tokens: tokens, adminKeys: adminKeys, logger: logger)
            self.gateway = Gateway(
                config: config, group: group, logger: logger, version: Self.version, governance: governance, tap: tap,
                delegated: delegatedService?.credentials, adminCredentials: adminCredentials
            )
        } catch {
            try? group.syncShutdownGracefully()
            throw RuntimeError(message: "\(error)")
        }
    }

    /// Starts the servers and, when `listen` is true, the HTTP listener; returns the port.
    @discardableResult
    public func start(listen: Bool = true) async throws -> Int {
        // Required client certificates authenticate every connection on their own.
        let certificatesRequired = config.tls.map { $0.clientCA != nil && $0.clientCertificates == .required } ?? false
        if listen, config.auth == nil, !config.listen.isLoopback, !certificatesRequired {
            throw RuntimeError(
                message: "auth is not configured, so the gateway would serve anyone who can reach \(config.listen); "
                    + "add an auth section (docs/security.md), or `auth: { anonymous: true }` to allow that on purpose"
            )
        }
        // Certificate and key are read before anything starts, so a bad file stops nothing half-started.
        let tls = listen ? try ListenerTLS.load(config) : nil
        gateway.start()
        startBackground()
        guard listen else { return 0 }
        let channel = try await MCPHTTPServer.bind(gateway: gateway, host: config.listen.host, port: config.listen.port, tls: tls, group: group).get()
        listener.withLock { $0 = channel }
        gateway.logSessionSealing()
        let port = channel.localAddress?.port ?? config.listen.port
        logger.notice("switchboard listening", metadata: [
            "switchboard.address": "\(config.listen.host):\(port)", "switchboard.servers": "\(gateway.servers.count)",
        ])
        return port
    }

    /// Serves one client on stdin/stdout until stdin closes.
    public func serveStdio() async throws {
        try await StdioDownstream.serve(gateway: gateway, group: group).get()
    }

    /// Waits up to `seconds` for every server to finish starting.
    public func waitForServers(seconds: Int64) async {
        try? await gateway.settled(within: .seconds(seconds), on: group.next()).get()
    }

    /// The loops that keep credentials fresh. A task rather than services of the caller's
    /// group: `serve`, `stdio`, `check` and the tests all run the runtime, not all in a group.
    private func startBackground() {
        let keyService = self.keyService
        let delegatedService = self.delegatedService
        let source = tokens?.source
        guard keyService != nil || delegatedService != nil || source != nil else { return }
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                if let keyService { group.addTask { try? await keyService.run() } }
                if let delegatedService { group.addTask { try? await delegatedService.run() } }
                if let source {
                    group.addTask {
                        // Keys fetched before the first token arrives, not while it waits.
                        _ = await source.refresh()
                        await source.run()
                    }
                }
            }
        }
        background.withLock { $0 = task }
    }

    /// Stops listening, ends sessions, stops servers (process groups torn down), then loops.
    public func shutdown() async throws {
        if let task = background.withLock({ $0 }) {
            task.cancel()
            await task.value
        }
        if let channel = listener.withLock({ $0 }) { try? await channel.close() }
        try? await gateway.shutdown().get()
        try await group.shutdownGracefully()
    }

    /// Swaps in the policy, virtual servers and quotas of `newConfig` (hot reload); returns the
    /// policy version now in force. Throws, changing nothing, when the policy does not compile.
    @discardableResult
    public func reloadRules(_ newConfig: GatewayConfig) throws -> String {
        try gateway.governance.reload(newConfig)
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
        return changed
    }

    /// For `check` and tests: a whole merged list.
    public func catalogue(_ kind: String) async throws -> [CatalogueItem] {
        guard let listKind = ListKind(rawValue: kind) else { return [] }
        let items = try await gateway.fullList(listKind, on: group.next()).get()
        return items.map { CatalogueItem(identity: $0[listKind.identityKey]?.string ?? "?", description: $0["description"]?.string) }
    }

    public var findings: [String] { gateway.catalogueFindings.map(\.description) }

    public var serverStatuses: [ServerStatusLine] {
        gateway.servers.map { server in
            let s = server.status
            return ServerStatusLine(name: s.name, transport: s.transport, state: s.phase.label, protocolVersion: s.protocolVersion, serverInfo: s.serverInfo, lastError: s.lastError)
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
}
