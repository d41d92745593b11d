import Logging
import NIOCore
import Synchronization
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTesting
import Testing

@Suite("StreamableHTTPUpstreamTransport", .timeLimit(.minutes(1)))
struct StreamableHTTPUpstreamTransportTests {
    static func makeTransport(
        port: Int,
        loop: any EventLoop,
        headers: [HTTPHeaderField] = [],
        requestTimeout: Duration = .seconds(5),
        maxMessageBytes: Int = 1 << 20,
        maxConnections: Int = 4
    ) -> (StreamableHTTPUpstreamTransport, TransportRecorder) {
        let transport = StreamableHTTPUpstreamTransport(
            serverName: "test",
            endpoint: HTTPEndpoint(host: "127.0.0.1", port: port, pathAndQuery: "/mcp"),
            headers: headers,
            timeouts: ServerTimeouts(connect: .seconds(2), initialize: requestTimeout, request: requestTimeout),
            maxMessageBytes: maxMessageBytes,
            maxConnections: maxConnections,
            eventLoop: loop,
            logger: Logger(label: "test"),
            getStreamBackoff: (.milliseconds(20), .milliseconds(100), 5)
        )
        let recorder = TransportRecorder(eventLoop: loop)
        transport.setDelegate(recorder)
        return (transport, recorder)
    }

    @Test("a JSON response is delivered on the POST's origin; request headers are right")
    func jsonResponse() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                responder.json(#"{"jsonrpc":"2.0","id":7,"result":{}}"#)
            }
            let (transport, recorder) = Self.makeTransport(
                port: server.port,
                loop: loop,
                headers: [.init(name: "Authorization", value: "Bearer t"), .init(name: "Accept", value: "text/html")]
            )
            try await transport.connect().get()
            try await transport.send(ByteBuffer(string: #"{"jsonrpc":"2.0","id":7,"method":"ping"}"#), correlation: 7).get()
            let messages = try await recorder.waitForMessages(1)
            #expect(messages == [.init(text: #"{"jsonrpc":"2.0","id":7,"result":{}}"#, origin: .postStream(correlation: 7))])

            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.uri == "/mcp")
            #expect(request.body == #"{"jsonrpc":"2.0","id":7,"method":"ping"}"#)
            #expect(request.header("Host") == "127.0.0.1:\(server.port)")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.headerValues("Accept") == ["application/json, text/event-stream"])
            #expect(request.header("Accept-Encoding") == nil)
            #expect(request.header("Authorization") == "Bearer t")
            #expect(request.header("Mcp-Session-Id") == nil)
            #expect(request.header("MCP-Protocol-Version") == nil)
            #expect(recorder.offLoopCalls == 0)
            try await transport.close().get()
            try await server.shutdown()
        }
    }

    @Test("an event stream answer split across TCP writes delivers each message in order")
    func eventStreamResponse() async throws {
        let pieces = [
            "event: message\nda",
            "ta: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n",
            "\n: keep-alive\n\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"sampling/createMessage\",\"id\":\"s1\"}\r",
            "\n\r\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":9,",
            "\"result\":{}}\n\n",
        ]
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                responder.startEventStream()
                for (index, piece) in pieces.enumerated() {
                    responder.after(milliseconds: Int64(10 * (index + 1))) { responder.write(piece) }
                }
                responder.after(milliseconds: 80) { responder.end() }
            }
            let (transport, recorder) = Self.makeTransport(port: server.port, loop: loop)
            try await transport.send(ByteBuffer(string: "{}"), correlation: 9).get()
            let messages = try await recorder.waitForMessages(3)
            #expect(messages.map(\.text) == [
                #"{"jsonrpc":"2.0","method":"notifications/progress"}"#,
                #"{"jsonrpc":"2.0","method":"sampling/createMessage","id":"s1"}"#,
                #"{"jsonrpc":"2.0","id":9,"result":{}}"#,
            ])
            #expect(messages.allSatisfy { $0.origin == .postStream(correlation: 9) })
            try await transport.close().get()
            try await server.shutdown()
        }
    }

    @Test(
        "the session id is captured and sent back; the version header follows the revision",
        arguments: [("2025-03-26", nil), ("2025-06-18", "2025-06-18"), ("2025-11-25", "2025-11-25")] as [(String, String?)]
    )
    func sessionAndVersion(_ revision: String, _ expectedHeader: String?) async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                switch request.method {
                case "GET": responder.respond(status: 405)
                case "DELETE": responder.respond(status: 200)
                default:
                    if request.body.contains("initialize") {
                        responder.json(#"{"jsonrpc":"2.0","id":1,"result":{}}"#, headers: [("Mcp-Session-Id", "session-1")])
                    } else {
                        responder.respond(status: 202)
                    }
                }
            }
            let (transport, _) = Self.makeTransport(port: server.port, loop: loop)
            try await transport.send(ByteBuffer(string: #"{"method":"initialize"}"#), correlation: 1).get()
            #expect(transport.sessionID == "session-1")
            transport.handshakeCompleted(protocolVersion: revision)
            try await transport.send(ByteBuffer(string: #"{"method":"notifications/initialized"}"#), correlation: nil).get()

            let posts = server.requests.filter { $0.method == "POST" }
            #expect(posts.count == 2)
            #expect(posts[0].header("Mcp-Session-Id") == nil)
            #expect(posts[1].header("Mcp-Session-Id") == "session-1")
            #expect(posts[1].header("MCP-Protocol-Version") == expectedHeader)

            transport.resetSession()
            #expect(transport.sessionID == nil)
            try await transport.send(ByteBuffer(string: #"{"method":"initialize"}"#), correlation: 2).get()
            let last = try #require(server.requests.last { $0.method == "POST" })
            #expect(last.header("Mcp-Session-Id") == nil)
            #expect(last.header("MCP-Protocol-Version") == nil)
            #expect(transport.sessionID == "session-1")

            try await transport.close().get()
            let delete = try #require(server.requests.last)
            #expect(delete.method == "DELETE")
            #expect(delete.header("Mcp-Session-Id") == "session-1")
            await #expect(throws: UpstreamTransportError.notConnected) {
                try await transport.send(ByteBuffer(string: "{}"), correlation: 3).get()
            }
            try await server.shutdown()
        }
    }

    @Test("HTTP failures map to transport errors; redirects are not followed")
    func failures() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                switch request.body {
                case "initialize": responder.json("{}", headers: [("Mcp-Session-Id", "s")])
                case "expired": responder.respond(status: 404, body: "gone")
                case "redirect": responder.respond(status: 307, headers: [("Location", "http://127.0.0.1:1/elsewhere")])
                case "broken": responder.respond(status: 500, body: "boom")
                case "text": responder.respond(status: 200, headers: [("Content-Type", "text/plain")], body: "hi")
                case "huge": responder.json(String(repeating: "x", count: 5000))
                default: responder.respond(status: 202)
                }
            }
            let (transport, _) = Self.makeTransport(port: server.port, loop: loop, maxMessageBytes: 4096)
            func send(_ body: String) async -> UpstreamTransportError? {
                do {
                    try await transport.send(ByteBuffer(string: body), correlation: 1).get()
                    return nil
                } catch {
                    return error as? UpstreamTransportError
                }
            }
            // Without a session a 404 is an ordinary HTTP error.
            #expect(await send("expired") == .httpStatus(404, body: "gone"))
            #expect(await send("initialize") == nil)
            #expect(await send("expired") == .sessionExpired)
            #expect(await send("redirect") == .httpStatus(307, body: ""))
            #expect(await send("broken") == .httpStatus(500, body: "boom"))
            #expect(await send("text") == .unexpectedContentType("text/plain"))
            #expect(await send("huge") == .frameTooLarge(4096))
            #expect(await send("ok") == nil)
            #expect(server.requests.count == 8)
            try await transport.close().get()
            try await server.shutdown()
        }
    }

    @Test("the GET stream delivers shared messages and re-opens with Last-Event-ID")
    func getStream() async throws {
        let gets = Mutex(0)
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                guard request.method == "GET" else {
                    responder.json("{}", headers: [("Mcp-Session-Id", "s-get")])
                    return
                }
                let number = gets.withLock { count in
                    count += 1
                    return count
                }
                responder.startEventStream()
                if number == 1 {
                    responder.event(#"{"method":"notifications/tools/list_changed"}"#, id: "e1")
                    responder.after(milliseconds: 20) { responder.closeConnection() }
                } else {
                    responder.event(#"{"method":"notifications/resources/list_changed"}"#, id: "e2")
                }
            }
            let (transport, recorder) = Self.makeTransport(port: server.port, loop: loop)
            try await transport.send(ByteBuffer(string: "initialize"), correlation: 1).get()
            transport.handshakeCompleted(protocolVersion: "2025-06-18")
            let messages = try await recorder.waitForMessages(3).filter { $0.origin == .sharedStream }
            #expect(messages == [
                .init(text: #"{"method":"notifications/tools/list_changed"}"#, origin: .sharedStream),
                .init(text: #"{"method":"notifications/resources/list_changed"}"#, origin: .sharedStream),
            ])
            let getRequests = server.requests.filter { $0.method == "GET" }
            #expect(getRequests.count == 2)
            #expect(getRequests.allSatisfy { $0.header("Accept") == "text/event-stream" && $0.header("Mcp-Session-Id") == "s-get" })
            #expect(getRequests.first?.header("Last-Event-ID") == nil)
            #expect(getRequests.last?.header("Last-Event-ID") == "e1")
            #expect(recorder.offLoopCalls == 0)
            try await transport.close().get()
            try await server.shutdown()
        }
    }

    @Test("a 405 to the GET stream is final")
    func getStreamUnsupported() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                request.method == "GET" ? responder.respond(status: 405) : responder.respond(status: 202)
            }
            let (transport, _) = Self.makeTransport(port: server.port, loop: loop)
            transport.handshakeCompleted(protocolVersion: "2025-03-26")
            try await eventually { server.requests.count == 1 }
            try await Task.sleep(for: .milliseconds(300))
            #expect(server.requests.filter { $0.method == "GET" }.count == 1)
            try await transport.close().get()
            try await server.shutdown()
        }
    }

    @Test("a POST stream that ends before its response is resumed by GET with Last-Event-ID")
    func postStreamResumption() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                switch request.method {
                case "POST":
                    // 2025-11-25 polling: a priming event, then the server lets go.
                    responder.startEventStream(headers: [("Mcp-Session-Id", "s-poll")])
                    responder.event("", id: "p1", retry: 10)
                    responder.event(#"{"method":"notifications/progress"}"#, id: "p2")
                    responder.after(milliseconds: 10) { responder.end() }
                case "GET" where request.header("Last-Event-ID") == "p2":
                    responder.startEventStream()
                    responder.event(#"{"jsonrpc":"2.0","id":4,"result":{}}"#, id: "p3")
                    responder.end()
                default:
                    responder.respond(status: 405)
                }
            }
            let (transport, recorder) = Self.makeTransport(port: server.port, loop: loop)
            try await transport.send(ByteBuffer(string: "call"), correlation: 4).get()
            let messages = try await recorder.waitForMessages(2)
            #expect(messages == [
                .init(text: #"{"method":"notifications/progress"}"#, origin: .postStream(correlation: 4)),
                .init(text: #"{"jsonrpc":"2.0","id":4,"result":{}}"#, origin: .postStream(correlation: 4)),
            ])
            try await Task.sleep(for: .milliseconds(100))
            #expect(server.requests.filter { $0.method == "GET" }.count == 1)
            try await transport.close().get()
            try await server.shutdown()
        }
    }
}
