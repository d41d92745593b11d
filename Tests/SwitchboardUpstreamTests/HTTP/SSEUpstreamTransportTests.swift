import Logging
import NIOCore
import Synchronization
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTesting
import Testing

@Suite("SSEUpstreamTransport", .timeLimit(.minutes(1)))
struct SSEUpstreamTransportTests {
    static func makeTransport(port: Int, loop: any EventLoop, connectTimeout: Duration = .seconds(2)) -> (SSEUpstreamTransport, TransportRecorder) {
        let transport = SSEUpstreamTransport(
            serverName: "legacy",
            endpoint: HTTPEndpoint(host: "127.0.0.1", port: port, pathAndQuery: "/sse"),
            headers: [.init(name: "X-Api-Key", value: "k")],
            timeouts: ServerTimeouts(connect: connectTimeout, initialize: .seconds(5), request: .seconds(5)),
            maxMessageBytes: 1 << 20,
            maxConnections: 2,
            eventLoop: loop,
            logger: Logger(label: "test")
        )
        let recorder = TransportRecorder(eventLoop: loop)
        transport.setDelegate(recorder)
        return (transport, recorder)
    }

    @Test("endpoint discovery, POSTs answered on the event stream, then stream loss")
    func messageFlow() async throws {
        let stream = Mutex<TestHTTPResponder?>(nil)
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                switch (request.method, request.path) {
                case ("GET", "/sse"):
                    stream.withLock { $0 = responder }
                    responder.startEventStream()
                    responder.after(milliseconds: 10) { responder.event("/messages?sessionId=abc", type: "endpoint") }
                case ("POST", "/messages"):
                    responder.respond(status: 202, body: "Accepted")
                    let events = stream.withLock { $0 }
                    events?.event(#"{"jsonrpc":"2.0","id":1,"result":{"echo":\#(request.body)}}"#, type: "message")
                default:
                    responder.respond(status: 404)
                }
            }
            let (transport, recorder) = Self.makeTransport(port: server.port, loop: loop)
            await #expect(throws: UpstreamTransportError.notConnected) {
                try await transport.send(ByteBuffer(string: "{}"), correlation: 1).get()
            }
            try await transport.connect().get()
            #expect(transport.postEndpoint?.pathAndQuery == "/messages?sessionId=abc")

            try await transport.send(ByteBuffer(string: #"{"n":1}"#), correlation: 1).get()
            let messages = try await recorder.waitForMessages(1)
            #expect(messages == [.init(text: #"{"jsonrpc":"2.0","id":1,"result":{"echo":{"n":1}}}"#, origin: .sharedStream)])

            let post = try #require(server.requests.first { $0.method == "POST" })
            #expect(post.uri == "/messages?sessionId=abc")
            #expect(post.header("Content-Type") == "application/json")
            #expect(post.header("X-Api-Key") == "k")
            #expect(server.requests.first?.header("Accept") == "text/event-stream")

            stream.withLock { $0 }?.closeConnection()
            try await eventually { recorder.closedErrors.count == 1 }
            await #expect(throws: UpstreamTransportError.notConnected) {
                try await transport.send(ByteBuffer(string: "{}"), correlation: 2).get()
            }
            #expect(recorder.offLoopCalls == 0)
            try await transport.close().get()
            #expect(recorder.closedErrors.count == 1)
            try await server.shutdown()
        }
    }

    @Test(
        "an endpoint on another origin is refused",
        arguments: ["http://169.254.169.254/latest", "http://127.0.0.1:1/messages", "//evil.example/messages"]
    )
    func crossOrigin(_ endpoint: String) async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                responder.startEventStream()
                responder.event(endpoint, type: "endpoint")
            }
            let (transport, _) = Self.makeTransport(port: server.port, loop: loop)
            await #expect {
                try await transport.connect().get()
            } throws: { error in
                guard case .protocolViolation = error as? UpstreamTransportError else { return false }
                return true
            }
            #expect(transport.postEndpoint == nil)
            #expect(server.requests.allSatisfy { $0.method == "GET" })
            try await transport.close().get()
            try await server.shutdown()
        }
    }

    @Test("no endpoint event within the connect timeout fails connect")
    func noEndpoint() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                responder.startEventStream()
                responder.event("{}", type: "message")
            }
            let (transport, _) = Self.makeTransport(port: server.port, loop: loop, connectTimeout: .milliseconds(200))
            await #expect(throws: UpstreamTransportError.timeout("waiting for the endpoint event")) {
                try await transport.connect().get()
            }
            try await transport.close().get()
            try await server.shutdown()
        }
    }

    @Test("a refused event stream fails connect with its status")
    func refusedStream() async throws {
        try await withEventLoops { loop, group in
            let server = try await TestHTTPServer.start(group: group) { request, responder in
                responder.respond(status: 404, body: "no sse here")
            }
            let (transport, _) = Self.makeTransport(port: server.port, loop: loop)
            await #expect(throws: UpstreamTransportError.httpStatus(404, body: "no sse here")) {
                try await transport.connect().get()
            }
            try await transport.close().get()
            try await server.shutdown()
        }
    }
}
