package import NIOCore
package import Logging
package import SwitchboardCore
package import SwitchboardOutbound

/// Builds the transport a server's config asks for.
package enum UpstreamTransportFactory {
    /// `oauthTokens` holds the tokens of `credentials.oauth` servers, which the control plane
    /// fills; `principal` makes the transport of one caller's own session to a `per_user` server,
    /// which takes the `route` of the server's shared transport (one TLS context per server).
    package static func make(
        _ config: ServerConfig, _ eventLoop: any EventLoop, _ logger: Logger, oauthTokens: OAuthTokenHolders? = nil, principal: String? = nil,
        route known: OutboundRoute? = nil
    ) -> any UpstreamTransport {
        var logger = logger
        logger[metadataKey: "switchboard.server"] = "\(config.name)"
        switch config.transport {
        case .stdio(let launch):
            return StdioUpstreamTransport(serverName: config.name, launch: launch, maxMessageBytes: config.maxMessageBytes, eventLoop: eventLoop, logger: logger)
        case .streamableHTTP(let endpoint):
            return StreamableHTTPUpstreamTransport(
                serverName: config.name, endpoint: endpoint, route: known ?? route(config, endpoint, logger), headers: config.headers,
                credentials: UpstreamCredentialProvider.make(for: config, eventLoop: eventLoop, logger: logger, oauthTokens: oauthTokens, principal: principal), timeouts: config.timeouts,
                maxMessageBytes: config.maxMessageBytes, maxConnections: config.maxConnections, eventLoop: eventLoop, logger: logger
            )
        case .sse(let endpoint):
            return SSEUpstreamTransport(
                serverName: config.name, endpoint: endpoint, route: known ?? route(config, endpoint, logger), headers: config.headers,
                credentials: UpstreamCredentialProvider.make(for: config, eventLoop: eventLoop, logger: logger, oauthTokens: oauthTokens, principal: principal), timeouts: config.timeouts,
                maxMessageBytes: config.maxMessageBytes, maxConnections: config.maxConnections, eventLoop: eventLoop, logger: logger
            )
        case .openAPI(let api):
            return OpenAPIUpstreamTransport(
                serverName: config.name, api: api, route: known ?? route(config, api.baseURL, logger), headers: config.headers,
                credentials: UpstreamCredentialProvider.make(for: config, eventLoop: eventLoop, logger: logger, oauthTokens: oauthTokens, principal: principal), timeouts: config.timeouts,
                maxMessageBytes: config.maxMessageBytes, maxConnections: config.maxConnections, eventLoop: eventLoop, logger: logger
            )
        }
    }

    /// The server's route; one that could not be made fails each connection with its reason.
    /// Both that and switched-off certificate checks are said once, loudly, when made.
    private static func route(_ config: ServerConfig, _ endpoint: HTTPEndpoint, _ logger: Logger) -> OutboundRoute {
        switch UpstreamRoute.make(for: config, endpoint: endpoint) {
        case .success(let route):
            if let tls = route.tls, !tls.verifies {
                logger.warning(
                    "TLS certificate verification is OFF for this server (tls.insecure_skip_verify): anyone on the path can impersonate it",
                    metadata: ["switchboard.url": "\(endpoint.description)"]
                )
            }
            return route
        case .failure(let error):
            logger.error("this server cannot be reached: \(error.message)", metadata: ["switchboard.url": "\(endpoint.description)"])
            return OutboundRoute(host: endpoint.host, port: endpoint.port, broken: error)
        }
    }
}
