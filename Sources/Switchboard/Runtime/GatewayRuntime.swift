public import Logging
public import SwitchboardCore
import SwitchboardDataPlane
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
    let gateway: Gateway
    private let listener = Mutex<(any Channel)?>(nil)
    private let logger: Logger

    /// `wireLog` names a file to record every message sent to clients (see `WireTap`); by
    /// default the `SWITCHBOARD_WIRE_LOG` environment variable decides.
    public init(config: GatewayConfig, logger: Logger, threads: Int = System.coreCount, wireLog: String? = nil) {
        // Writes to a child whose stdin closed must fail with EPIPE, not kill the gateway.
        signal(SIGPIPE, SIG_IGN)
        self.config = config
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let tap = wireLog.flatMap { WireTap(path: $0) } ?? WireTap.fromEnvironment()
        self.gateway = Gateway(config: config, group: group, logger: logger, version: Self.version, tap: tap)
    }

    /// Starts the servers and, when `listen` is true, the HTTP listener; returns the port.
    @discardableResult
    public func start(listen: Bool = true) async throws -> Int {
        gateway.start()
        guard listen else { return 0 }
        let channel = try await MCPHTTPServer.bind(gateway: gateway, host: config.listen.host, port: config.listen.port, group: group).get()
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

    /// Stops listening, ends sessions, stops servers (process groups torn down), then loops.
    public func shutdown() async throws {
        if let channel = listener.withLock({ $0 }) { try? await channel.close() }
        try? await gateway.shutdown().get()
        try await group.shutdownGracefully()
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
