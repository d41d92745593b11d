public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The demo server over Streamable HTTP: an HTTP/1.1 listener with one endpoint, `/mcp`.
public struct DemoHTTPServer: Sendable {
    let core: DemoServerCore
    let logger: Logger

    public init(options: DemoServerOptions, logger: Logger = Logger(label: "switchboard.demo")) {
        self.init(core: DemoServerCore(options: options), logger: logger)
    }

    init(core: DemoServerCore, logger: Logger) {
        self.core = core
        self.logger = logger
    }

    /// Binds `options.host:options.port`, reports the bound host and port, and serves until the
    /// calling task is cancelled; then it stops accepting, ends every session and returns.
    public func run(onListening: @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }) async throws {
        try core.options.validate()
        let listener: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: core.options.host, port: core.options.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try ClosingOnDrop.wrap(channel)
                    }
                }
        } catch {
            throw DemoServerError(.bindFailed, "cannot listen on \(core.options.host):\(core.options.port): \(error)")
        }
        let address = listener.channel.localAddress
        let host = address?.ipAddress.map { address?.protocol == .inet6 ? "[\($0)]" : $0 } ?? core.options.host
        await onListening(host, address?.port ?? core.options.port)

        let sessions = HTTPSessionRegistry()
        let connection = HTTPConnection(core: core, sessions: sessions, logger: logger)
        defer { sessions.closeAll() }
        try await withThrowingDiscardingTaskGroup { group in
            try await listener.executeThenClose { connections in
                for try await channel in connections {
                    group.addTask { await connection.serve(channel) }
                }
            }
        }
    }
}

/// Wraps an accepted connection so that NIO closes it if it is dropped unserved. A connection
/// accepted as the server stops never reaches the accept loop, and a channel wrapped the
/// current way stops the process when dropped ("Deinited NIOAsyncWriter without calling
/// finish()"; it once crashed the test run). NIO marks the closing wrapper deprecated for
/// clients that should close explicitly; a server cannot for what it never receives, and
/// going through a protocol keeps that note out of the build.
enum ClosingOnDrop: ClosingOnDropWrapping {
    static func wrap(_ channel: any Channel) throws -> NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart> {
        try (Self.self as any ClosingOnDropWrapping.Type).wrapping(channel)
    }

    @available(*, deprecated, message: "closes on deinit: see the type's comment")
    static func wrapping(_ channel: any Channel) throws -> NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart> {
        try NIOAsyncChannel(synchronouslyWrapping: channel)
    }
}

protocol ClosingOnDropWrapping {
    static func wrapping(_ channel: any Channel) throws -> NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
}
