import Foundation
import Logging
import NIOCore
import Synchronization
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTesting
import Testing

/// `UpstreamServer` against a scripted 2026-07-28 Streamable HTTP server: discovery, the
/// per-request `_meta`, the local `logging/setLevel`, cancel by closing the POST, and the
/// listen stream that is re-opened when it drops (spec digest §1.4, §1.6, §2.2, §3.1).
@Suite("UpstreamServer, 2026-07-28 over HTTP", .timeLimit(.minutes(1)))
struct ModernUpstreamServerTests {
    /// What the scripted server saw and holds.
    final class Script: Sendable {
        struct State {
            var listens = 0
            var listenStream: TestHTTPResponder?
            var slow: TestHTTPResponder?
        }

        let state = Mutex(State())

        func handle(_ request: TestHTTPRequest, _ responder: TestHTTPResponder) {
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
            let id = body["id"].map { "\($0)" } ?? "null"
            let params = body["params"] as? [String: Any] ?? [:]
            switch request.header("Mcp-Method") {
            case "server/discover":
                responder.json(#"{"jsonrpc":"2.0","id":\#(id),"result":{"resultType":"complete","supportedVersions":["2026-07-28"],"capabilities":{"tools":{"listChanged":true},"resources":{"subscribe":true}},"instructions":"hi","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"scripted","version":"9"}},"ttlMs":0,"cacheScope":"public"}}"#)
            case "subscriptions/listen":
                let count = state.withLock { s -> Int in
                    s.listens += 1
                    s.listenStream = responder
                    return s.listens
                }
                responder.startEventStream()
                responder.event(#"{"jsonrpc":"2.0","method":"notifications/subscriptions/acknowledged","params":{"notifications":{"toolsListChanged":true},"_meta":{"io.modelcontextprotocol/subscriptionId":\#(id)}}}"#)
                // The first listen drops at once: the server must get another one.
                if count == 1 { responder.after(milliseconds: 50) { responder.closeConnection() } }
            case "tools/call" where params["name"] as? String == "slow":
                state.withLock { $0.slow = responder }
                responder.startEventStream()
            default:
                // Echo the params, so the test sees what the server got.
                let echoed = (try? JSONSerialization.data(withJSONObject: params)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                responder.json(#"{"jsonrpc":"2.0","id":\#(id),"result":{"resultType":"complete","echo":\#(echoed)}}"#)
            }
        }
    }

    final class Events: UpstreamEventsDelegate {
        let notifications = Mutex<[String]>([])
        func upstream(_ server: UpstreamServer, sentNotification message: JSONRPCMessage) {
            notifications.withLock { $0.append(message.method ?? "") }
        }
        func upstream(_ server: UpstreamServer, sentRequest message: JSONRPCMessage, observer: (any UpstreamCallObserver)?) {}
        func upstreamBecameReady(_ server: UpstreamServer, restarted: Bool) {}
        let failures = Mutex<[String]>([])
        func upstreamFailed(_ server: UpstreamServer, reason: String, retryIn: TimeAmount) {
            failures.withLock { $0.append(reason) }
        }
    }

    /// An upstream for the scripted server on `port`, started and ready, with its events recorded.
    static func started(_ name: String, port: Int, on loop: any EventLoop, initialize: Duration = .seconds(30)) async throws -> (UpstreamServer, Events) {
        var config = ServerConfig(name: name, transport: .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: port, pathAndQuery: "/mcp")))
        config.timeouts = ServerTimeouts(initialize: initialize)
        let transport = UpstreamTransportFactory.make(config, loop, Logger(label: "test"))
        let upstream = UpstreamServer(config: config, transport: transport, eventLoop: loop, logger: Logger(label: "test"), clientVersion: "1.0")
        let events = Events()
        upstream.setDelegate(events)
        upstream.start()
        try await eventually { upstream.isReady }
        return (upstream, events)
    }

    /// A probe can go unanswered because the server was still starting; the server, up by
    /// the time `initialize` comes, refuses it for 2026-07-28, and the start probes again
    /// rather than failing (seen with a Python SDK server on a loaded machine).
    @Test("a probe left unanswered, then initialize refused for 2026-07-28: probed again, modern")
    func slowStartThenModernRefusal() async throws {
        try await withEventLoops { loop, group in
            let methods = Mutex<[String]>([])
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
                let id = body["id"].map { "\($0)" } ?? "null"
                let method = body["method"] as? String ?? ""
                let seen = methods.withLock { $0.append(method); return $0.count }
                switch method {
                case "server/discover" where seen == 1:
                    break  // still starting: never answered
                case "server/discover":
                    responder.json(#"{"jsonrpc":"2.0","id":\#(id),"result":{"resultType":"complete","supportedVersions":["2026-07-28"],"capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"late","version":"1"}},"ttlMs":0,"cacheScope":"public"}}"#)
                case "initialize":
                    responder.json(#"{"jsonrpc":"2.0","id":\#(id),"error":{"code":-32022,"message":"Unsupported protocol version","data":{"supported":["2026-07-28"],"requested":"2025-11-25"}}}"#)
                default:
                    responder.json(#"{"jsonrpc":"2.0","id":\#(id),"result":{"resultType":"complete"}}"#)
                }
            }
            let (upstream, events) = try await Self.started("late", port: server.port, on: loop, initialize: .milliseconds(300))
            #expect(upstream.era == .modern)
            #expect(upstream.initializeResult?["serverInfo"]?["name"]?.string == "late")
            // In the first start, not after a failed one and a restart.
            #expect(events.failures.withLock { $0 } == [])
            #expect(methods.withLock { $0 } == ["server/discover", "initialize", "server/discover"])
            try await upstream.stop().get()
            try await server.shutdown()
        }
    }

    @Test("discovers, stamps _meta and headers, answers setLevel itself, cancels by closing, keeps a listen open")
    func modernSession() async throws {
        try await withEventLoops { loop, group in
            let script = Script()
            let server = try await TestHTTPServer.start(group: group) { request, responder in script.handle(request, responder) }
            let (upstream, events) = try await Self.started("m", port: server.port, on: loop)
            #expect(upstream.era == .modern)
            #expect(upstream.status.protocolVersion == "2026-07-28")
            #expect(upstream.initializeResult?["serverInfo"]?["name"]?.string == "scripted")
            #expect(upstream.initializeResult?["instructions"]?.string == "hi")

            // A call: the client's capabilities and progress token travel in _meta.
            let caps = ByteBuffer(string: #"{"sampling":{}}"#)
            let (_, call) = upstream.request(method: "tools/call", observer: nil, on: loop, meta: UpstreamRequestMeta(clientCapabilities: caps)) { id in
                ByteBuffer(string: #"{"name":"echo","arguments":{},"_meta":{"progressToken":\#(id)}}"#)
            }
            let echoed = try #require(try await call.get().result?["echo"])
            #expect(echoed["_meta"]?[MCPMeta.clientCapabilities]?["sampling"] != nil)
            #expect(echoed["_meta"]?[MCPMeta.clientInfo]?["name"]?.string == "switchboard")
            #expect(echoed["_meta"]?["progressToken"]?.int != nil)
            let posted = try #require(server.requests.last { $0.header("Mcp-Method") == "tools/call" })
            #expect(posted.header("Mcp-Name") == "echo")
            #expect(posted.header("MCP-Protocol-Version") == "2026-07-28")

            // logging/setLevel never reaches the server; the level rides on later requests.
            let (_, setLevel) = upstream.request(method: "logging/setLevel", observer: nil, on: loop) { _ in ByteBuffer(string: #"{"level":"debug"}"#) }
            #expect(try await setLevel.get().result?.rawText == "{}")
            #expect(!server.requests.contains { $0.header("Mcp-Method") == "logging/setLevel" })
            let (_, list) = upstream.request(method: "tools/list", observer: nil, on: loop) { _ in nil }
            #expect(try await list.get().result?["echo"]?["_meta"]?[MCPMeta.logLevel]?.string == "debug")

            // The listen that dropped is opened again; a list change on it reaches the gateway.
            try await eventually(timeout: .seconds(5)) { script.state.withLock { $0.listens } >= 2 }
            let listen = try #require(server.requests.last { $0.header("Mcp-Method") == "subscriptions/listen" })
            #expect(listen.body.contains(#""notifications":{"toolsListChanged":true}"#))
            let stream = try #require(script.state.withLock { $0.listenStream })
            // Sent until it is heard: the gateway may still be reading the acknowledgement.
            try await eventually("the list change", every: .milliseconds(50)) {
                stream.event(#"{"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{"_meta":{"io.modelcontextprotocol/subscriptionId":1}}}"#)
                return events.notifications.withLock { $0.contains("notifications/tools/list_changed") }
            }
            #expect(!events.notifications.withLock { $0.contains("notifications/subscriptions/acknowledged") })

            // resources/subscribe no longer exists: the URI joins the listen, opened again with it.
            let listensBefore = script.state.withLock { $0.listens }
            let (_, subscribed) = upstream.request(method: "resources/subscribe", observer: nil, on: loop) { _ in ByteBuffer(string: #"{"uri":"x://a"}"#) }
            #expect(try await subscribed.get().result?.isObject == true)
            try await eventually(timeout: .seconds(5)) { script.state.withLock { $0.listens } > listensBefore }
            let resubscribed = try #require(server.requests.last { $0.header("Mcp-Method") == "subscriptions/listen" })
            #expect(resubscribed.body.contains(#""resourceSubscriptions":["x://a"]"#), "\(resubscribed.body)")
            #expect(!server.requests.contains { $0.header("Mcp-Method") == "resources/subscribe" })

            // Cancelling a call closes its POST; no notifications/cancelled is sent.
            let (slowID, slow) = upstream.request(method: "tools/call", observer: nil, on: loop) { _ in ByteBuffer(string: #"{"name":"slow"}"#) }
            try await eventually { script.state.withLock { $0.slow != nil } }
            let held = try #require(script.state.withLock { $0.slow })
            upstream.cancel(id: slowID, reason: "test")
            await #expect(throws: UpstreamError.cancelled) { try await slow.get() }
            try await eventually { !held.isConnected }
            #expect(!server.requests.contains { $0.body.contains("notifications/cancelled") })
            #expect(!server.requests.contains { $0.method != "POST" })

            try await upstream.stop().get()
            try await server.shutdown()
        }
    }
}
