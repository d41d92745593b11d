/// The whole gateway configuration, validated once at start. Every field has a default so that
/// a config file only names what differs. Loaded from YAML by `ConfigLoader` (target
/// `Switchboard`); the JSON Schema in `docs/config.schema.json` mirrors these types.
public struct GatewayConfig: Sendable, Equatable {
    /// Where the data plane listens (`listen`).
    public var listen: ListenAddress
    /// HTTPS and mutual TLS on the listener (`tls`); nil: plain HTTP.
    public var tls: TLSConfig?
    /// The store URL (`store`): `sqlite:PATH` or `postgres://…`. Not used by the data plane yet.
    public var store: String
    /// Upstream MCP servers in file order (`servers`). Order is the merged catalogue's order.
    public var servers: [ServerConfig]
    /// Size, depth and naming limits (`limits`).
    public var limits: LimitsConfig
    /// Downstream session handling (`sessions`).
    public var sessions: SessionsConfig
    /// Request-level security checks (`security`).
    public var security: SecurityConfig
    /// Built-in demo servers run inside the gateway process (`demo`).
    public var demo: DemoConfig
    /// Who may call (`auth`): API keys, JWT bearer tokens, anonymous access. Nil when the file
    /// has no `auth` section: the gateway is then open, which it allows on loopback only.
    public var auth: AuthConfig?
    /// Tool-level rules (`policy`).
    public var policy: PolicyConfig
    /// Rate limits, concurrency limits and budgets (`quotas`).
    public var quotas: QuotaConfig
    /// Named subsets of the catalogue served at `/mcp/{name}` (`virtual_servers`), in file order.
    public var virtualServers: [VirtualServerConfig]
    /// Where browsers reach the gateway (`public_url`), e.g. `https://gateway.example.com`:
    /// the origin of the OAuth consent links and of the callback the authorization servers
    /// redirect to. Nil: the listener's own address.
    public var publicURL: WebURL?
    /// The audit trail (`audit`).
    public var audit: AuditConfig
    /// `/metrics` (`metrics`).
    public var metrics: MetricsConfig
    /// The gateway's own log (`log`).
    public var log: LogConfig
    /// Spans over OTLP (`traces`); off without an endpoint.
    public var traces: TracesConfig = .init()
    /// The web console (`console`).
    public var console: ConsoleConfig = .init()
    /// `guards`: definition scanning and pinning.
    public var guards: GuardsConfig = .init()
    /// `approvals`: the human approval queue (`require_approval`).
    public var approvals: ApprovalsConfig = .init()

    public init(
        listen: ListenAddress = .init(),
        store: String = "sqlite:switchboard.db",
        servers: [ServerConfig] = [],
        limits: LimitsConfig = .init(),
        sessions: SessionsConfig = .init(),
        security: SecurityConfig = .init(),
        demo: DemoConfig = .init(),
        auth: AuthConfig? = nil,
        policy: PolicyConfig = .init(),
        quotas: QuotaConfig = .init(),
        virtualServers: [VirtualServerConfig] = [],
        tls: TLSConfig? = nil,
        publicURL: WebURL? = nil,
        audit: AuditConfig = .off,
        metrics: MetricsConfig = .init(),
        log: LogConfig = .init()
    ) {
        self.publicURL = publicURL
        self.audit = audit
        self.metrics = metrics
        self.log = log
        self.listen = listen
        self.tls = tls
        self.store = store
        self.servers = servers
        self.limits = limits
        self.sessions = sessions
        self.security = security
        self.demo = demo
        self.auth = auth
        self.policy = policy
        self.quotas = quotas
        self.virtualServers = virtualServers
    }

    /// Each server's `labels`, by server name: what `server_labels` in rules and limits is
    /// matched against.
    public var serverLabels: [String: [String: String]] {
        Dictionary(servers.map { ($0.name, $0.labels) }, uniquingKeysWith: { first, _ in first })
    }
}

/// `demo`: the built-in demo MCP server, served in-process so the quick start needs nothing
/// but the gateway binary.
public struct DemoConfig: Sendable, Equatable {
    /// Serve the demo server over Streamable HTTP at this address (`http`), endpoint `/mcp`.
    public var http: ListenAddress?

    public init(http: ListenAddress? = nil) {
        self.http = http
    }
}

/// `HOST:PORT`; IPv6 hosts are written in brackets (`[::1]:8080`).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Reachable from this machine only.
    public var isLoopback: Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }
}

/// One upstream MCP server (`servers.NAME`).
public struct ServerConfig: Sendable, Equatable {
    /// The key under `servers`; the prefix of its federated names (`NAME__tool`).
    public var name: String
    public var transport: ServerTransport
    /// Extra HTTP headers sent on every upstream request (`headers`); values may hold secrets
    /// and are never logged.
    public var headers: [HTTPHeaderField]
    /// Headers whose values are files' contents (`headers_from_files`), read again when a
    /// file changes; never logged.
    public var headersFromFiles: [HTTPHeaderFileField]
    /// What the gateway presents as itself (`credentials`); nil sends nothing but `headers`.
    public var credentials: ServerCredentialsConfig?
    /// A disabled server is neither started nor listed (`enabled`, default true).
    public var enabled: Bool
    public var timeouts: ServerTimeouts
    /// Restart back-off for stdio servers (`restart`).
    public var restart: RestartPolicy
    /// Largest single message accepted from this server (`max_message_bytes`), stdio line or SSE event.
    public var maxMessageBytes: Int
    /// At most this many concurrent HTTP connections to this server (`max_connections`).
    public var maxConnections: Int
    /// Which protocol era to speak (`era`): found out at each start by default.
    public var era: ServerEraSetting
    /// Certificate checks and client certificate for an `https://` server (`tls`).
    public var tls: UpstreamTLSConfig
    /// Forward proxy for an HTTP server (`proxy`): the environment's by default.
    public var proxy: UpstreamProxyConfig
    /// `guards`: this server's guard mode and trust on first use (nil fields: `guards`' defaults).
    public var guards: ServerGuardsConfig = .init()
    /// `labels`: owner, environment, risk and any others (`ServerLabels`).
    public var labels: [String: String] = [:]
    /// `names`: prefix mode, alias and renames of this server's tools and prompts.
    public var names: ServerNamesConfig = .init()

    public init(
        name: String,
        transport: ServerTransport,
        headers: [HTTPHeaderField] = [],
        headersFromFiles: [HTTPHeaderFileField] = [],
        credentials: ServerCredentialsConfig? = nil,
        enabled: Bool = true,
        timeouts: ServerTimeouts = .init(),
        restart: RestartPolicy = .init(),
        maxMessageBytes: Int = 16 * 1024 * 1024,
        maxConnections: Int = 16,
        era: ServerEraSetting = .auto,
        tls: UpstreamTLSConfig = .init(),
        proxy: UpstreamProxyConfig = .environment
    ) {
        self.name = name
        self.transport = transport
        self.headers = headers
        self.headersFromFiles = headersFromFiles
        self.credentials = credentials
        self.enabled = enabled
        self.timeouts = timeouts
        self.restart = restart
        self.maxMessageBytes = maxMessageBytes
        self.maxConnections = maxConnections
        self.era = era
        self.tls = tls
        self.proxy = proxy
    }
}

/// `servers.NAME.era`: `auto` probes with 2026-07-28 `server/discover` and falls back to the
/// `initialize` handshake; `legacy` and `modern` skip the other era.
public enum ServerEraSetting: String, Sendable, Equatable, CaseIterable {
    case auto, legacy, modern
}

/// How the gateway reaches a server: exactly one of `stdio`, `url`, `sse`, `openapi` is set in the file.
public enum ServerTransport: Sendable, Equatable {
    /// A child process spoken to over stdin/stdout (`stdio`).
    case stdio(StdioLaunch)
    /// Streamable HTTP (`url`).
    case streamableHTTP(HTTPEndpoint)
    /// The 2024-11-05 HTTP+SSE transport (`sse`): the GET endpoint that announces the POST target.
    case sse(HTTPEndpoint)
    /// A REST API described by OpenAPI (`openapi`), its operations served as tools by the gateway.
    case openAPI(OpenAPIServerConfig)

    public var kindName: String {
        switch self {
        case .stdio: "stdio"
        case .streamableHTTP: "http"
        case .sse: "sse"
        case .openAPI: "openapi"
        }
    }
}

/// `servers.NAME.stdio`.
public struct StdioLaunch: Sendable, Equatable {
    public var command: String
    public var args: [String]
    /// Added to (and overriding) the gateway's own environment.
    public var env: [String: String]
    /// Working directory (`cwd`); relative paths are resolved against the config file's folder.
    public var cwd: String?

    public init(command: String, args: [String] = [], env: [String: String] = [:], cwd: String? = nil) {
        self.command = command
        self.args = args
        self.env = env
        self.cwd = cwd
    }
}

/// An `http://` or `https://` server URL split into what a NIO client needs.
public struct HTTPEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int
    /// Path plus query, always starting with `/`.
    public var pathAndQuery: String

    public init(scheme: String = "http", host: String, port: Int, pathAndQuery: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.pathAndQuery = pathAndQuery
    }

    /// The value of the `Host` header: the authority, port omitted when default.
    public var authority: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return (scheme == "http" && port == 80) || (scheme == "https" && port == 443) ? h : "\(h):\(port)"
    }

    public var description: String { "\(scheme)://\(authority)\(pathAndQuery)" }

    public var isSecure: Bool { scheme == "https" }
}

/// One header line; order and repetition are kept.
/// A header sent to a server (`servers.NAME.headers`). Its value is often a credential, so
/// printing, dumping or logging it shows the name only.
public struct HTTPHeaderField: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name): <redacted>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["name": name]) }
}

/// `servers.NAME.timeouts`. Durations are written `500ms`, `5s`, `2m` or as plain seconds.
public struct ServerTimeouts: Sendable, Equatable {
    /// TCP connect, or process spawn until the first byte can be written (`connect`).
    public var connect: Duration
    /// The `initialize` handshake (`initialize`).
    public var initialize: Duration
    /// One request until its response (`request`); progress notifications do not extend it.
    public var request: Duration

    public init(connect: Duration = .seconds(10), initialize: Duration = .seconds(30), request: Duration = .seconds(60)) {
        self.connect = connect
        self.initialize = initialize
        self.request = request
    }
}

/// `servers.NAME.restart`: exponential back-off between restarts of a failed server.
public struct RestartPolicy: Sendable, Equatable {
    /// First delay after a failure (`initial_backoff`).
    public var initialBackoff: Duration
    /// Upper bound of the delay (`max_backoff`).
    public var maxBackoff: Duration

    public init(initialBackoff: Duration = .milliseconds(250), maxBackoff: Duration = .seconds(30)) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }
}

/// `limits`.
public struct LimitsConfig: Sendable, Equatable {
    /// Largest request body accepted at `/mcp` (`max_body_bytes`); larger gets 413.
    public var maxBodyBytes: Int
    /// Deepest JSON nesting accepted from a client (`max_json_depth`).
    public var maxJSONDepth: Int
    /// Longest tool or prompt name shown to clients (`max_tool_name_length`): the spec allows
    /// 128, Anthropic's and OpenAI's APIs 64. Longer names are shortened with a stable hash.
    public var maxToolNameLength: Int
    /// Characters of that budget left free for a client's own prefix (`tool_name_reserve`):
    /// Claude Code, for one, shows `mcp__{its name for the gateway}__` before every tool.
    public var toolNameReserve: Int
    /// Concurrent in-flight requests per downstream session (`max_concurrent_requests`).
    public var maxConcurrentRequestsPerSession: Int

    /// The length every shown name keeps within (`max_tool_name_length` − `tool_name_reserve`).
    public var nameBudget: Int { maxToolNameLength - toolNameReserve }

    public init(
        maxBodyBytes: Int = 4 * 1024 * 1024,
        maxJSONDepth: Int = 64,
        maxToolNameLength: Int = 64,
        toolNameReserve: Int = 0,
        maxConcurrentRequestsPerSession: Int = 64
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxJSONDepth = maxJSONDepth
        self.maxToolNameLength = maxToolNameLength
        self.toolNameReserve = toolNameReserve
        self.maxConcurrentRequestsPerSession = maxConcurrentRequestsPerSession
    }
}

/// `sessions`.
public struct SessionsConfig: Sendable, Equatable {
    /// A session with no traffic for this long is forgotten (`idle_timeout`); later use gets 404.
    public var idleTimeout: Duration
    /// Interval of `:` comments on open SSE streams (`keepalive`).
    public var keepAlive: Duration
    /// Most sessions held at once (`max_sessions`); a new `initialize` beyond it gets 503.
    public var maxSessions: Int
    /// Secrets the session ids are sealed with (`seal_keys`), newest first: the first seals,
    /// all open. Empty means a random key per process, so sessions end with it.
    public var sealKeys: [SealSecret]
    /// How long a session id stays valid after `initialize` (`max_lifetime`), whatever its use.
    public var maxLifetime: Duration

    public init(
        idleTimeout: Duration = .seconds(1800),
        keepAlive: Duration = .seconds(15),
        maxSessions: Int = 10_000,
        sealKeys: [SealSecret] = [],
        maxLifetime: Duration = .seconds(24 * 3600)
    ) {
        self.idleTimeout = idleTimeout
        self.keepAlive = keepAlive
        self.maxSessions = maxSessions
        self.sealKeys = sealKeys
        self.maxLifetime = maxLifetime
    }
}

/// A secret from `sessions.seal_keys`: a `ConfigSecret`, which prints `<redacted>`; only the
/// key derivation reads `value`.
public typealias SealSecret = ConfigSecret

extension ConfigSecret {
    /// Shorter seal keys are refused: they are guessable offline from one sealed session id.
    public static let minimumSealKeyLength = 32
}

/// `security`.
public struct SecurityConfig: Sendable, Equatable {
    /// Origins allowed on browser requests (`allowed_origins`), e.g. `https://app.example.com`.
    /// A request without `Origin` is allowed; one with an Origin not listed gets 403. Loopback
    /// origins are allowed only when the gateway itself listens on loopback.
    public var allowedOrigins: [String]

    public init(allowedOrigins: [String] = []) {
        self.allowedOrigins = allowedOrigins
    }
}

/// Printing, dumping or logging a configuration names its listener and servers only: the rest
/// holds credentials (header values, the store URL's password, seal keys) that must never reach
/// a log, even at debug level where libraries print the values they are given.
extension GatewayConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "GatewayConfig(listen: \(listen), servers: [\(servers.map(\.name).joined(separator: ", "))])"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["listen": listen, "servers": servers.map(\.name)]) }
}
