import NIOCore
import NIOHTTP1
import NIOPosix

/// Plain async HTTP/1.1 connections for the few requests outside the measured loop (initialize
/// and notifications/initialized). Connecting times out after `connectTimeout`; a connection
/// that receives nothing for `readTimeout` is closed, which ends the exchange waiting on it.
struct HandshakeClient: Sendable {
    let url: BenchURL
    let headers: [HeaderArgument]
    let group: any EventLoopGroup
    var connectTimeout: TimeAmount = .seconds(5)
    var readTimeout: TimeAmount = .seconds(10)

    /// Runs `body` with a new connection and closes the connection afterwards.
    func withConnection<Result: Sendable>(
        _ body: (inout HandshakeConnection) async throws -> Result
    ) async throws -> Result {
        let readTimeout = self.readTimeout
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: url.host, port: url.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandlers([
                            IdleStateHandler(readTimeout: readTimeout),
                            ReadTimeoutCloser(),
                        ])
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw BenchError("cannot connect to \(url.host):\(url.port): \(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = HandshakeConnection(url: url, headers: headers, inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&connection)
        }
    }
}

/// Closes a connection that has been silent for the idle handler's read timeout.
final class ReadTimeoutCloser: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
