public import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 for tests: it records every request and hands it, with
/// a responder, to the test's handler on the connection's event loop. The handler answers at
/// once or later (slow responses, streams held open), or not at all.
public final class TestHTTPServer: Sendable {
    public typealias Handler = @Sendable (TestHTTPRequest, TestHTTPResponder) -> Void

    private final class Shared: Sendable {
        struct State {
            var requests: [TestHTTPRequest] = []
            var connections: [any Channel] = []
        }

        let state = Mutex(State())
    }

    private let channel: any Channel
    private let shared: Shared

    private init(channel: any Channel, shared: Shared) {
        self.channel = channel
        self.shared = shared
    }

    public var port: Int { channel.localAddress?.port ?? 0 }

    /// Requests received so far, in order.
    public var requests: [TestHTTPRequest] { shared.state.withLock { $0.requests } }

    /// Connections accepted so far.
    public var connectionCount: Int { shared.state.withLock { $0.connections.count } }

    /// Connections accepted and not yet closed (by either side).
    public var openConnections: Int { shared.state.withLock { $0.connections.filter(\.isActive).count } }

    public static func start(group: any EventLoopGroup, handler: @escaping Handler) async throws -> TestHTTPServer {
        let shared = Shared()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let number = shared.state.withLock { state in
                        state.connections.append(channel)
                        return state.connections.count
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(TestHTTPServerHandler(
                        connection: number,
                        record: { request in shared.state.withLock { $0.requests.append(request) } },
                        handler: handler
                    ))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return TestHTTPServer(channel: channel, shared: shared)
    }

    /// Stops listening and drops every connection.
    public func shutdown() async throws {
        try await channel.close()
        let connections = shared.state.withLock { $0.connections }
        for connection in connections { try? await connection.close() }
    }
}

/// Collects one request at a time (NIO's server pipeline holds pipelined ones back until the
/// response ended) and passes it on.
final class TestHTTPServerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart

    private let connection: Int
    private let record: @Sendable (TestHTTPRequest) -> Void
    private let handler: TestHTTPServer.Handler
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(connection: Int, record: @escaping @Sendable (TestHTTPRequest) -> Void, handler: @escaping TestHTTPServer.Handler) {
        self.connection = connection
        self.record = record
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let head else { return }
            self.head = nil
            let request = TestHTTPRequest(
                method: head.method.rawValue,
                uri: head.uri,
                headers: head.headers,
                body: String(buffer: body),
                connection: connection
            )
            record(request)
            handler(request, TestHTTPResponder(channel: context.channel))
        }
    }
}
