package import NIOCore
import NIOPosix
import NIOHTTP1
package import SwitchboardCore

/// Binds the data plane's HTTP listener.
package enum MCPHTTPServer {
    /// Listens on `config.listen` (port 0 picks a free one; read it from the channel); speaks
    /// HTTPS when `tls` is given (see `ListenerTLS.load`). `control` serves `/admin/v1/…`,
    /// `consent` the OAuth consent pages, `metrics` `/metrics`.
    package static func bind(
        gateway: Gateway, config: GatewayConfig, authentication: CallerAuthentication, control: (any ControlRoutes)? = nil,
        consent: (any ConsentRoutes)? = nil, metrics: MetricsEndpoint? = nil, tls: ListenerTLS? = nil, group: any EventLoopGroup
    ) -> EventLoopFuture<any Channel> {
        let routes = MCPHTTPRoutes(
            gateway: gateway,
            origins: OriginPolicy(allowedOrigins: config.security.allowedOrigins, listenHost: config.listen.host),
            authentication: authentication,
            streamable: StreamableHTTPEndpoint(gateway: gateway, limits: config.limits, keepAlive: config.sessions.keepAlive.timeAmount),
            legacySSE: LegacySSEEndpoint(gateway: gateway, sessions: config.sessions, limits: config.limits),
            control: control,
            consent: consent,
            metrics: metrics,
            rest: RESTEndpoint(gateway: gateway, maxJSONDepth: config.limits.maxJSONDepth),
            a2a: A2AEndpoint(
                gateway: gateway, maxJSONDepth: config.limits.maxJSONDepth, tasks: A2ATasks(),
                publicOrigin: config.publicURL.map { $0.scheme + "://" + $0.authority },
                descriptions: Dictionary(config.virtualServers.compactMap { vs in vs.description.map { (vs.name, $0) } }, uniquingKeysWith: { first, _ in first }),
                wantsCredentials: authentication.anonymous == nil, acceptsAPIKeys: config.auth?.apiKeys ?? false, isTLS: authentication.isTLS
            )
        )
        let maxBodyBytes = config.limits.maxBodyBytes
        let logger = gateway.logger
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                // Encoder, decoder and our handler, nothing else: every response part passes each
                // handler in the pipeline, so the stock extras (pipelining pause/resume, a header
                // validator for headers we write ourselves, a generic 400 writer) are left out.
                // MCPHTTPHandler sequences pipelined requests and answers parse errors itself.
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try tls?.addHandlers(to: sync, logger: logger)
                    try sync.addHandler(HTTPResponseEncoder(configuration: .init()))
                    try sync.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try sync.addHandler(MCPHTTPHandler(routes: routes, maxBodyBytes: maxBodyBytes))
                }
            }
            .bind(host: config.listen.host, port: config.listen.port)
    }
}
