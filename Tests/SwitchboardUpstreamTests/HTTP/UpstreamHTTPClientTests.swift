import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTesting
import Testing

@Suite("UpstreamHTTPClient", .timeLimit(.minutes(1)))
struct UpstreamHTTPClientTests {
    /// Collects a response into a promise: the status and body, or the error.
    final class Collector: UpstreamHTTPResponseDelegate {
        let promise: EventLoopPromise<(Int, String)>
        private let state = Mutex<(status: Int, body: String)>((0, ""))

        init(eventLoop: any EventLoop) {
            promise = eventLoop.makePromise()
        }

        func responseHead(_ head: HTTPResponseHead) -> UpstreamHTTPBodyMode {
            state.withLock { $0.status = Int(head.status.code) }
            return .collect(maxBytes: 1 << 16)
        }

        func responseBody(_ body: ByteBuffer) {
            state.withLock { $0.body = String(buffer: body) }
        }

        func responseEnded(error: (any Error)?) {
            if let error { promise.fail(error) } else { promise.succeed(state.withLock { $0 }) }
        }
    }

    static func makeClient(
        port: Int,
        loop: any EventLoop,
        connectTimeout: TimeAmount = .seconds(2),
        maxConnections: Int = 4,
        maxQueued: Int? = nil
    ) -> UpstreamHTTPClient {
        UpstreamHTTPClient(
            configuration: .init(
                host: "127.0.0.1",
                port: port,
                authority: "127.0.0.1:\(port)",
                connectTimeout: connectTimeout,
                maxConnections: maxConnections,
                maxQueuedRequests: maxQueued
            ),
            eventLoop: loop,
            logger: Logger(label: "test")
        )
    }

    static func get(_ client: UpstreamHTTPClient, _ path: String, readTimeout: TimeAmount = .seconds(5)) -> EventLoopFuture<(Int, String)> {
        let collector = Collector(eventLoop: client.eventLoop)
        client.execute(UpstreamHTTPRequest(method: .GET, target: path, readTimeout: readTimeout), delegate: collector)
        return collector.promise.futureResult
    }

    @Test("sequential requests reuse one keep-alive connection")
    func reuse() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                responder.respond(status: 200, body: "hello \(request.uri)")
            }
            let client = Self.makeClient(port: server.port, loop: loop)
            for index in 0..<5 {
                let (status, body) = try await Self.get(client, "/\(index)").get()
                #expect(status == 200)
                #expect(body == "hello /\(index)")
            }
            #expect(server.connectionCount == 1)
            #expect(Set(server.requests.map(\.connection)) == [1])
            try await client.shutdown().get()
            try await server.shutdown()
        }
    }

    @Test("concurrent requests stay within maxConnections and all complete")
    func bounded() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                responder.after(milliseconds: 50) { responder.respond(status: 200, body: request.uri) }
            }
            let client = Self.makeClient(port: server.port, loop: loop, maxConnections: 2)
            let futures = (0..<8).map { Self.get(client, "/\($0)") }
            let results = try await EventLoopFuture.whenAllSucceed(futures, on: loop).get()
            #expect(results.map(\.1) == (0..<8).map { "/\($0)" })
            #expect(server.connectionCount == 2)
            try await client.shutdown().get()
            try await server.shutdown()
        }
    }

    @Test("requests beyond the pool and its queue are refused at once")
    func queueFull() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                responder.after(milliseconds: 200) { responder.respond(status: 200) }
            }
            let client = Self.makeClient(port: server.port, loop: loop, maxConnections: 1, maxQueued: 1)
            let first = Self.get(client, "/1")
            let second = Self.get(client, "/2")
            let third = Self.get(client, "/3")
            await #expect(throws: UpstreamTransportError.self) { try await third.get() }
            #expect(try await first.get().0 == 200)
            #expect(try await second.get().0 == 200)
            #expect(server.connectionCount == 1)
            try await client.shutdown().get()
            try await server.shutdown()
        }
    }

    @Test("Connection: close is honoured; the next request opens a new connection")
    func connectionClose() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                responder.respond(status: 200, headers: [("Connection", "close")], body: "bye")
            }
            let client = Self.makeClient(port: server.port, loop: loop)
            #expect(try await Self.get(client, "/a").get().1 == "bye")
            #expect(try await Self.get(client, "/b").get().1 == "bye")
            #expect(server.connectionCount == 2)
            try await client.shutdown().get()
            try await server.shutdown()
        }
    }

    @Test("a body delimited by the end of the connection is read to EOF")
    func bodyUntilEOF() async throws {
        try await withEventLoops { loop, group in
            let server = try await RawTCPServer.start(group: group, response: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"eof\":true}")
            let client = Self.makeClient(port: server.port, loop: loop)
            let (status, body) = try await Self.get(client, "/").get()
            #expect(status == 200)
            #expect(body == #"{"eof":true}"#)
            // The connection is closed and leaves the pool just after the body is delivered.
            try await eventually { client.openPooledConnections == 0 }
            try await client.shutdown().get()
            try await server.shutdown()
        }
    }

    @Test("a connection closed in the middle of a response fails the request")
    func truncated() async throws {
        try await withEventLoops { loop, group in
            let server = try await RawTCPServer.start(group: group, response: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
            let client = Self.makeClient(port: server.port, loop: loop)
            await #expect(throws: (any Error).self) { try await Self.get(client, "/").get() }
            try await client.shutdown().get()
            try await server.shutdown()
        }
    }

    @Test("a server that accepts but never answers hits the read timeout")
    func readTimeout() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { _, _ in }
            let client = Self.makeClient(port: server.port, loop: loop)
            let clock = ContinuousClock()
            let start = clock.now
            await #expect(throws: UpstreamTransportError.self) {
                try await Self.get(client, "/slow", readTimeout: .milliseconds(200)).get()
            }
            #expect(clock.now - start < .seconds(2))
            try await client.shutdown().get()
            try await server.shutdown()
        }
    }

    @Test("a refused connection fails fast")
    func refused() async throws {
        try await withEventLoops { loop, group in
            let refusing = try RefusingPort()
            let client = Self.makeClient(port: refusing.port, loop: loop, connectTimeout: .seconds(5))
            let clock = ContinuousClock()
            let start = clock.now
            await #expect(throws: (any Error).self) { try await Self.get(client, "/").get() }
            // Well under the 5 s connect timeout: the refusal ended it, not the timer. (A busy
            // 2-core machine running the whole suite has taken 2.4 s to get there.)
            #expect(clock.now - start < .seconds(4))
            withExtendedLifetime(refusing) {}
            try await client.shutdown().get()
        }
    }

    @Test("a connect that never completes fails with a timeout")
    func connectTimeout() async throws {
        let listener = try UnresponsiveListener()
        try await withEventLoops { loop, _ in
            let client = Self.makeClient(port: listener.port, loop: loop, connectTimeout: .milliseconds(300))
            let clock = ContinuousClock()
            let start = clock.now
            await #expect(throws: UpstreamTransportError.timeout("connecting to 127.0.0.1:\(listener.port)")) {
                try await Self.get(client, "/").get()
            }
            #expect(clock.now - start < .seconds(3))
            try await client.shutdown().get()
        }
    }

    @Test("shutdown fails queued and in-flight requests and refuses new ones")
    func shutdown() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { _, _ in }
            let client = Self.makeClient(port: server.port, loop: loop, maxConnections: 1)
            let inFlight = Self.get(client, "/1")
            let queued = Self.get(client, "/2")
            try await eventually { server.requests.count == 1 }
            try await client.shutdown().get()
            await #expect(throws: (any Error).self) { try await inFlight.get() }
            await #expect(throws: UpstreamTransportError.notConnected) { try await queued.get() }
            await #expect(throws: UpstreamTransportError.notConnected) { try await Self.get(client, "/3").get() }
            try await server.shutdown()
        }
    }
}
