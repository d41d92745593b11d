import Logging
import NIOCore
import Synchronization
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTesting
import Testing

/// Streamable HTTP toward a 2026-07-28 server (spec digest §1.4, §3.1).
@Suite("StreamableHTTPUpstreamTransport, 2026-07-28", .timeLimit(.minutes(1)))
struct ModernStreamableHTTPTransportTests {
    /// Records deliveries and the requests the transport reports lost.
    final class Recorder: UpstreamTransportDelegate {
        private let state = Mutex<(messages: [String], ended: [UInt64])>(([], []))
        var messages: [String] { state.withLock { $0.messages } }
        var ended: [UInt64] { state.withLock { $0.ended } }

        func upstreamTransport(received message: ByteBuffer, origin: UpstreamInboundOrigin) {
            state.withLock { $0.messages.append(String(buffer: message)) }
        }

        func upstreamTransportClosed(error: (any Error)?) {}

        func upstreamTransport(requestEnded correlation: UInt64, error: (any Error)?) {
            state.withLock { $0.ended.append(correlation) }
        }
    }

    static func makeTransport(port: Int, loop: any EventLoop) -> (StreamableHTTPUpstreamTransport, Recorder) {
        let transport = StreamableHTTPUpstreamTransport(
            serverName: "test",
            endpoint: HTTPEndpoint(host: "127.0.0.1", port: port, pathAndQuery: "/mcp"),
            timeouts: ServerTimeouts(connect: .seconds(2), initialize: .seconds(5), request: .seconds(5)),
            maxMessageBytes: 1 << 20,
            maxConnections: 4,
            eventLoop: loop,
            logger: Logger(label: "test")
        )
        let recorder = Recorder()
        transport.setDelegate(recorder)
        transport.prepare(era: .modern)
        return (transport, recorder)
    }

    static func request(_ id: Int, _ method: String) -> ByteBuffer {
        ByteBuffer(string: #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":{}}"#)
    }

    @Test("every POST carries the 2026 headers, Mcp-Name encoded; no session, no GET stream")
    func headers() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                // A stray session id must not be echoed to a modern server.
                responder.json(#"{"jsonrpc":"2.0","id":1,"result":{}}"#, headers: [("Mcp-Session-Id", "s1")])
            }
            let (transport, _) = Self.makeTransport(port: server.port, loop: loop)
            try await transport.connect().get()
            try await transport.sendRequest(Self.request(1, "tools/call"), correlation: 1, routing: .init(method: "tools/call", name: "héllo")).get()
            transport.handshakeCompleted(protocolVersion: "2026-07-28")
            try await transport.sendRequest(Self.request(1, "resources/read"), correlation: 1, routing: .init(method: "resources/read", name: "feature://a/readme")).get()
            try await transport.sendRequest(Self.request(1, "tools/list"), correlation: 1, routing: .init(method: "tools/list")).get()
            try await eventually("three requests") { server.requests.count == 3 }

            let requests = server.requests
            #expect(requests.map(\.method) == ["POST", "POST", "POST"])
            #expect(requests.allSatisfy { $0.header("MCP-Protocol-Version") == "2026-07-28" && $0.header("Mcp-Session-Id") == nil })
            #expect(requests.map { $0.header("Mcp-Method") } == ["tools/call", "resources/read", "tools/list"])
            #expect(requests.map { $0.header("Mcp-Name") } == ["=?base64?aMOpbGxv?=", "feature://a/readme", nil])
            #expect(transport.sessionID == nil)
            try await transport.close().get()
            #expect(server.requests.count == 3, "no DELETE for a modern server")
            try await server.shutdown()
        }
    }

    @Test("an error status whose body answers this request is that request's answer")
    func errorBodies() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                switch request.header("Mcp-Method") {
                case "nope/nothing": responder.json(#"{"jsonrpc":"2.0","id":5,"error":{"code":-32601,"message":"Method not found"}}"#, status: 404)
                default: responder.json(#"{"jsonrpc":"2.0","id":"server-error","error":{"code":-32600,"message":"Bad Request: Missing session ID"}}"#, status: 400)
                }
            }
            let (transport, recorder) = Self.makeTransport(port: server.port, loop: loop)
            try await transport.sendRequest(Self.request(5, "nope/nothing"), correlation: 5, routing: .init(method: "nope/nothing")).get()
            #expect(recorder.messages == [#"{"jsonrpc":"2.0","id":5,"error":{"code":-32601,"message":"Method not found"}}"#])
            await #expect(throws: UpstreamTransportError.httpStatus(400, body: #"{"jsonrpc":"2.0","id":"server-error","error":{"code":-32600,"message":"Bad Request: Missing session ID"}}"#)) {
                try await transport.sendRequest(Self.request(6, "server/discover"), correlation: 6, routing: .init(method: "server/discover")).get()
            }
            // The answered request is not reported lost; the refused one is.
            try await eventually { recorder.ended == [6] }
            try await transport.close().get()
            try await server.shutdown()
        }
    }

    @Test("cancel closes the request's connection; a stream that ends unanswered is reported lost")
    func abortAndLoss() async throws {
        let held = Mutex<TestHTTPResponder?>(nil)
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                responder.startEventStream()
                responder.event(#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}"#)
                switch request.header("Mcp-Method") {
                case "slow": held.withLock { $0 = responder }
                case "cut": responder.after(milliseconds: 20) { responder.closeConnection() }
                default:
                    responder.event(#"{"jsonrpc":"2.0","id":3,"result":{}}"#)
                    responder.end()
                }
            }
            let (transport, recorder) = Self.makeTransport(port: server.port, loop: loop)
            try await transport.sendRequest(Self.request(1, "slow"), correlation: 1, routing: .init(method: "slow")).get()
            try await eventually { held.withLock { $0 != nil } }
            let responder = try #require(held.withLock { $0 })
            #expect(responder.isConnected)
            #expect(transport.abort(correlation: 1))
            try await eventually { !responder.isConnected }

            try await transport.sendRequest(Self.request(2, "cut"), correlation: 2, routing: .init(method: "cut")).get()
            try await eventually { recorder.ended.contains(2) }
            try await transport.sendRequest(Self.request(3, "fine"), correlation: 3, routing: .init(method: "fine")).get()
            try await eventually { recorder.messages.contains(#"{"jsonrpc":"2.0","id":3,"result":{}}"#) }
            try await Task.sleep(for: .milliseconds(50))
            #expect(!recorder.ended.contains(3))
            #expect(!server.requests.contains { $0.method == "GET" }, "a modern stream is never resumed by GET")
            try await transport.close().get()
            try await server.shutdown()
        }
    }

    @Test("legacy mode keeps notifications/cancelled as the cancel")
    func legacyAbort() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { _, responder in responder.respond(status: 202) }
            let (transport, _) = Self.makeTransport(port: server.port, loop: loop)
            transport.prepare(era: .legacy)
            #expect(!transport.abort(correlation: 1))
            try await transport.close().get()
            try await server.shutdown()
        }
    }
}
