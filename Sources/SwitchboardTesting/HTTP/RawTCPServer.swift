public import NIOCore
import NIOPosix

/// A TCP server on 127.0.0.1 that answers whatever arrives first on a connection with fixed
/// bytes, then closes it: for responses a real HTTP server would not produce (bodies that end
/// at EOF, malformed heads).
public final class RawTCPServer: Sendable {
    private let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    public var port: Int { channel.localAddress?.port ?? 0 }

    public static func start(group: any EventLoopGroup, response: String) async throws -> RawTCPServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RawResponder(response: response))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return RawTCPServer(channel: channel)
    }

    public func shutdown() async throws {
        try await channel.close()
    }
}

private final class RawResponder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let response: String
    private var answered = false

    init(response: String) {
        self.response = response
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
