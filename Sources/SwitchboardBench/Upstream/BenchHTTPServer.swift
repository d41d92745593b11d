import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The bench upstream's HTTP listener: NIO's request decoder and `BenchHTTPHandler`, nothing
/// else, on every loop of the group (one per core the process may use); TLS first with `tls`.
struct BenchHTTPServer {
    let host: String
    let port: Int
    let responder: BenchResponder
    let gate: BenchEraGate
    let tls: NIOSSLContext?
    /// `/mcp` behind OAuth, this upstream its own authorization server (`BenchOAuth`).
    var oauth = false

    /// Binds, prints `READY <port>` on stderr, and serves until the process is stopped.
    func run() async throws {
        let sessions = BenchSessionIDs()
        let responder = self.responder
        let gate = self.gate
        let tls = self.tls
        let oauth = self.oauth
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: BenchEventLoops.group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)),
                            BenchHTTPHandler(responder: responder, gate: gate, sessions: sessions, oauth: oauth),
                        ])
                    }
                }
                .bind(host: host, port: port)
                .get()
        } catch {
            throw BenchError("cannot listen on \(host):\(port): \(error)")
        }
        StandardError.line("READY \(channel.localAddress?.port ?? port)")
        try await channel.closeFuture.get()
    }
}
