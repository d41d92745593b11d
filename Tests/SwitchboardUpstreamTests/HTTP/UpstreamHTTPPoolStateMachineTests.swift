import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import SwitchboardUpstream

/// The pool's bookkeeping, step by step: which request runs where, who waits, what is opened
/// and closed. Channels are `EmbeddedChannel`s; nothing is sent.
@Suite struct UpstreamHTTPPoolStateMachineTests {
    final class NoDelegate: UpstreamHTTPResponseDelegate {
        func responseHead(_ head: HTTPResponseHead) -> UpstreamHTTPBodyMode { .discard }
        func responseEnded(error: (any Error)?) {}
    }

    private static func exchange(_ target: String) -> UpstreamHTTPExchange {
        UpstreamHTTPExchange(request: UpstreamHTTPRequest(method: .POST, target: target, readTimeout: nil), delegate: NoDelegate())
    }

    private static func activeChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    /// What an acquire did, in a word.
    private static func name(_ action: UpstreamHTTPPoolStateMachine.AcquireAction) -> String {
        switch action {
        case .run(let exchange, _): "run \(exchange.request.target)"
        case .wait(let id, let create): "wait \(id)" + (create ? " +connect" : "")
        case .fail(_, let error): "fail \(error)"
        }
    }

    private static func name(_ action: UpstreamHTTPPoolStateMachine.ConnectionAction) -> String {
        switch action {
        case .none: "none"
        case .run(let waiter, _): "run \(waiter.exchange.request.target)"
        case .close: "close"
        case .createConnection: "connect"
        }
    }

    @Test func requestsOpenConnectionsUpToTheLimitThenQueue() {
        var pool = UpstreamHTTPPoolStateMachine(maxConnections: 2, maxWaiters: 1)
        let actions = ["/1", "/2", "/3", "/4"].map { Self.name(pool.acquire(Self.exchange($0))) }
        // Two connections opening, each with its request waiting for it; one more may queue;
        // the fourth finds every connection busy and the queue full.
        #expect(actions[0] == "wait 1 +connect")
        #expect(actions[1] == "wait 2 +connect")
        #expect(actions[2] == "wait 3")
        #expect(actions[3].hasPrefix("fail timeout"))
    }

    @Test func anOpenedConnectionServesWaitersInOrderThenIdles() throws {
        var pool = UpstreamHTTPPoolStateMachine(maxConnections: 1, maxWaiters: 4)
        _ = pool.acquire(Self.exchange("/1"))
        _ = pool.acquire(Self.exchange("/2"))
        let channel = try Self.activeChannel()
        #expect(Self.name(pool.connectionEstablished(channel)) == "run /1")
        #expect(Self.name(pool.connectionBecameIdle(channel)) == "run /2")
        #expect(Self.name(pool.connectionBecameIdle(channel)) == "none")
        #expect(pool.openConnections == 1)
        // An idle connection is reused at once.
        #expect(Self.name(pool.acquire(Self.exchange("/3"))) == "run /3")
    }

    @Test func theWarmestIdleConnectionIsReusedFirst() throws {
        var pool = UpstreamHTTPPoolStateMachine(maxConnections: 2, maxWaiters: 4)
        _ = pool.acquire(Self.exchange("/1"))
        _ = pool.acquire(Self.exchange("/2"))
        let (a, b) = (try Self.activeChannel(), try Self.activeChannel())
        _ = pool.connectionEstablished(a)
        _ = pool.connectionEstablished(b)
        _ = pool.connectionBecameIdle(a)
        _ = pool.connectionBecameIdle(b)
        guard case .run(_, let on) = pool.acquire(Self.exchange("/3")) else {
            Issue.record("expected an idle connection")
            return
        }
        #expect(on === b, "the one used last; the other may idle out")
    }

    @Test func aClosedIdleConnectionIsNotHandedOut() throws {
        var pool = UpstreamHTTPPoolStateMachine(maxConnections: 1, maxWaiters: 4)
        _ = pool.acquire(Self.exchange("/1"))
        let channel = try Self.activeChannel()
        _ = pool.connectionEstablished(channel)
        _ = pool.connectionBecameIdle(channel)
        _ = try channel.finish()
        // The idle entry points at a channel that is no longer active: it is skipped, and the
        // request waits for the close to be reported, which opens a new connection for it.
        #expect(Self.name(pool.acquire(Self.exchange("/2"))) == "wait 2")
        #expect(Self.name(pool.connectionClosed(channel)) == "connect")
    }

    @Test func aFailedConnectFailsTheWaitersOnlyWhenNothingElseCanServeThem() throws {
        var pool = UpstreamHTTPPoolStateMachine(maxConnections: 2, maxWaiters: 4)
        _ = pool.acquire(Self.exchange("/1"))
        _ = pool.acquire(Self.exchange("/2"))
        #expect(pool.connectionFailed().isEmpty, "another connection is still being opened")
        #expect(pool.connectionFailed().map(\.exchange.request.target) == ["/1", "/2"], "the server is unreachable")
    }

    @Test func aClosedConnectionIsReplacedWhileRequestsWait() throws {
        var pool = UpstreamHTTPPoolStateMachine(maxConnections: 1, maxWaiters: 4)
        _ = pool.acquire(Self.exchange("/1"))
        let channel = try Self.activeChannel()
        #expect(Self.name(pool.connectionEstablished(channel)) == "run /1")
        _ = pool.acquire(Self.exchange("/2"))  // waits: the one connection is busy
        #expect(Self.name(pool.connectionClosed(channel)) == "connect")
        #expect(Self.name(pool.connectionClosed(channel)) == "none", "a channel is forgotten once")
    }

    @Test func waitersTimeOutAndShutdownHandsBackEverything() throws {
        var pool = UpstreamHTTPPoolStateMachine(maxConnections: 1, maxWaiters: 4)
        _ = pool.acquire(Self.exchange("/1"))
        guard case .wait(let second, _) = pool.acquire(Self.exchange("/2")) else {
            Issue.record("expected to wait")
            return
        }
        #expect(pool.waiterTimedOut(second)?.exchange.request.target == "/2")
        #expect(pool.waiterTimedOut(second) == nil, "once")

        let channel = try Self.activeChannel()
        _ = pool.connectionEstablished(channel)
        _ = pool.acquire(Self.exchange("/3"))
        let (waiters, connections) = pool.shutDown()
        #expect(waiters.map(\.exchange.request.target) == ["/3"])
        #expect(connections.count == 1)
        #expect(Self.name(pool.acquire(Self.exchange("/4"))) == "fail notConnected")
        #expect(Self.name(pool.connectionEstablished(try Self.activeChannel())) == "close", "a connection opened too late is closed")
    }
}
