package import NIOCore
import NIOPosix
import NIOHTTP1
import SwitchboardCore

/// Binds the data plane's HTTP listener.
package enum MCPHTTPServer {
    /// Listens on `host:port` (port 0 picks a free one; read it from the channel); speaks HTTPS
    /// when `tls` is given (see `ListenerTLS.load`).
    package static func bind(
        gateway: Gateway, host: String, port: Int, tls: ListenerTLS? = nil, group: any EventLoopGroup
    ) -> EventLoopFuture<any Channel> {
        let origins = OriginPolicy(allowedOrigins: gateway.config.security.allowedOrigins, listenHost: host)
        let legacySSE = LegacySSEEndpoint(gateway: gateway)
        let admin = AdminAPI(gateway: gateway, keys: gateway.governance.adminKeys)
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
                    try tls?.addHandlers(to: sync, logger: gateway.logger)
                    try sync.addHandler(HTTPResponseEncoder(configuration: .init()))
                    try sync.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try sync.addHandler(MCPHTTPHandler(gateway: gateway, origins: origins, legacySSE: legacySSE, admin: admin))
                }
            }
            .bind(host: host, port: port)
    }
}
