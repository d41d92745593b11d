package import NIOCore
package import Logging
package import SwitchboardCore

/// Builds the transport a server's config asks for.
package enum UpstreamTransportFactory {
    package static func make(_ config: ServerConfig, _ eventLoop: any EventLoop, _ logger: Logger) -> any UpstreamTransport {
        var logger = logger
        logger[metadataKey: "switchboard.server"] = "\(config.name)"
        switch config.transport {
        case .stdio(let launch):
            return StdioUpstreamTransport(serverName: config.name, launch: launch, maxMessageBytes: config.maxMessageBytes, eventLoop: eventLoop, logger: logger)
        case .streamableHTTP(let endpoint):
            return StreamableHTTPUpstreamTransport(
                serverName: config.name, endpoint: endpoint, headers: config.headers,
                credentials: UpstreamCredentialProvider.make(for: config, eventLoop: eventLoop, logger: logger), timeouts: config.timeouts,
                maxMessageBytes: config.maxMessageBytes, maxConnections: config.maxConnections, eventLoop: eventLoop, logger: logger
            )
        case .sse(let endpoint):
            return SSEUpstreamTransport(
                serverName: config.name, endpoint: endpoint, headers: config.headers,
                credentials: UpstreamCredentialProvider.make(for: config, eventLoop: eventLoop, logger: logger), timeouts: config.timeouts,
                maxMessageBytes: config.maxMessageBytes, maxConnections: config.maxConnections, eventLoop: eventLoop, logger: logger
            )
        }
    }
}
