import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SwitchboardCore
import SwitchboardTesting
import Synchronization
import Testing

@testable import SwitchboardUpstream

/// The transport that answers for an OpenAPI document, against a real HTTP server on
/// 127.0.0.1: the handshake and list from the document, calls as requests, statuses as
/// results, failures as errors, and cancellation closing the request's connection.
@Suite struct OpenAPIUpstreamTransportTests {
    static let getNote = OpenAPIOperation(
        name: "getNote", method: "GET", pathTemplate: "/notes/{id}",
        path: [.literal("/notes/"), .parameter(.init(argument: "id", name: "id", location: .path, required: true, style: .simple, explode: false))],
        parameters: [], body: nil, credentials: [.init(location: .header, name: "X-Key", value: "k-1")],
        definition: #"{"name":"getNote","inputSchema":{"type":"object"}}"#, result: .object
    )

    static func api(port: Int) -> OpenAPIServerConfig {
        OpenAPIServerConfig(
            document: "/notes.yaml", baseURL: HTTPEndpoint(host: "127.0.0.1", port: port, pathAndQuery: "/v1/"),
            service: OpenAPIService(title: "Notes", version: "2", description: "Kept notes.", operations: [getNote])
        )
    }

    static func withTransport(
        port: Int, timeouts: ServerTimeouts = .init(), _ body: (OpenAPIUpstreamTransport, TransportRecorder) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let transport = OpenAPIUpstreamTransport(
            serverName: "notes", api: api(port: port), headers: [HTTPHeaderField(name: "X-Tenant", value: "acme")], timeouts: timeouts,
            maxMessageBytes: 1 << 20, maxConnections: 4, eventLoop: loop, logger: Logger(label: "test")
        )
        let recorder = TransportRecorder(eventLoop: loop)
        transport.setDelegate(recorder)
        try await transport.connect().get()
        do {
            try await body(transport, recorder)
        } catch {
            try? await transport.close().get()
            try? await group.shutdownGracefully()
            throw error
        }
        try await transport.close().get()
        try await group.shutdownGracefully()
    }

    private static func send(_ transport: OpenAPIUpstreamTransport, _ json: String, correlation: UInt64? = nil) async throws {
        try await transport.send(ByteBuffer(string: json), correlation: correlation).get()
    }

    @Test func handshakeAndListComeFromTheDocument() async throws {
        try await Self.withTransport(port: 9) { transport, recorder in
            try await Self.send(transport, #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#)
            try await Self.send(transport, #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#)
            try await Self.send(transport, #"{"jsonrpc":"2.0","id":3,"method":"resources/list"}"#)
            let messages = try await recorder.waitForMessages(3).map(\.text)
            let initialize = try #require(messages.first { $0.contains(#""id":1"#) })
            #expect(initialize.contains(#""protocolVersion":"2025-06-18""#) && initialize.contains(#""name":"Notes""#) && initialize.contains(#""instructions":"Kept notes.""#))
            #expect(messages.contains(#"{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"getNote","inputSchema":{"type":"object"}}]}}"#))
            #expect(messages.contains { $0.contains(#""id":3"#) && $0.contains("-32601") })
        }
    }

    @Test func aCallIsOneRequestAndItsAnswer() async throws {
        let server = try await TestHTTPServer.start(group: MultiThreadedEventLoopGroup.singleton) { request, responder in
            if request.path == "/v1/notes/7" {
                responder.json(#"{"id":7,"title":"seven"}"#)
            } else {
                responder.respond(status: 500, headers: [("Content-Type", "text/plain")], body: "broken at \(request.path)")
            }
        }
        defer { Task { try? await server.shutdown() } }
        try await Self.withTransport(port: server.port) { transport, recorder in
            try await transport.sendRequest(
                ByteBuffer(string: #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"getNote","arguments":{"id":7}}}"#), correlation: 11,
                routing: UpstreamRequestRouting(method: "tools/call", name: "getNote", traceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            ).get()
            try await Self.send(transport, #"{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"getNote","arguments":{"id":8}}}"#, correlation: 12)
            try await Self.send(transport, #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"getNote","arguments":{}}}"#, correlation: 13)
            try await Self.send(transport, #"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"nope","arguments":{}}}"#, correlation: 14)
            let messages = try await recorder.waitForMessages(4)
            let byID = { (id: Int) in messages.first { $0.text.hasPrefix(#"{"jsonrpc":"2.0","id":\#(id),"#) } }
            #expect(byID(5)?.text == #"{"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"{\"id\":7,\"title\":\"seven\"}"}],"structuredContent":{"id":7,"title":"seven"}}}"#)
            #expect(byID(5)?.origin == .postStream(correlation: 11))
            #expect(byID(6)?.text.contains(#"HTTP 500 Internal Server Error from GET /notes/{id}: broken at /v1/notes/8"#) == true)
            #expect(byID(6)?.text.contains(#""isError":true"#) == true)
            #expect(byID(7)?.text.contains(#"Invalid arguments for getNote: missing required argument \"id\""#) == true, "\(messages)")
            #expect(byID(8)?.text.contains("-32602") == true)
            let request = try #require(server.requests.first { $0.path == "/v1/notes/7" })
            #expect(request.method == "GET")
            #expect(request.header("X-Key") == "k-1" && request.header("X-Tenant") == "acme")
            #expect(request.header("traceparent") == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            #expect(server.requests.count == 2, "invalid arguments and unknown tools send nothing")
        }
    }

    @Test func cancellingClosesTheRequestsConnection() async throws {
        let held = HeldResponders()
        let server = try await TestHTTPServer.start(group: MultiThreadedEventLoopGroup.singleton) { _, responder in held.add(responder) }
        defer { Task { try? await server.shutdown() } }
        try await Self.withTransport(port: server.port) { transport, recorder in
            try await Self.send(transport, #"{"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"getNote","arguments":{"id":1}}}"#, correlation: 1)
            try await eventually("the request arrives", timeout: .seconds(5)) { server.requests.count == 1 && server.openConnections == 1 }
            try await Self.send(transport, #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow"}}"#)
            try await eventually("its connection closes", timeout: .seconds(5)) { server.openConnections == 0 }
            held.answerAll(#"{"id":1}"#)
            // A later call is answered; the cancelled one never is.
            try await Self.send(transport, #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"getNote","arguments":{"id":2}}}"#, correlation: 2)
            try await eventually("the second request", timeout: .seconds(5)) { server.requests.count == 2 }
            held.answerAll(#"{"id":2}"#)
            let messages = try await recorder.waitForMessages(1)
            #expect(messages.count == 1 && messages[0].text.contains(#""id":2,"#), "\(messages)")
        }
    }

    @Test func anUnreachableAPIIsAnError() async throws {
        let refusing = try RefusingPort()
        try await Self.withTransport(port: refusing.port, timeouts: .init(connect: .seconds(2))) { transport, recorder in
            try await Self.send(transport, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"getNote","arguments":{"id":1}}}"#, correlation: 1)
            let message = try #require(try await recorder.waitForMessages(1).first)
            #expect(message.text.contains("-31001") && message.text.contains("GET /notes/{id} failed"), "\(message)")
        }
    }
}

/// Responders a test answers later.
final class HeldResponders: Sendable {
    private let responders = Mutex<[TestHTTPResponder]>([])

    func add(_ responder: TestHTTPResponder) { responders.withLock { $0.append(responder) } }

    func answerAll(_ json: String) {
        let all = responders.withLock { list in
            defer { list.removeAll() }
            return list
        }
        for responder in all { responder.json(json) }
    }
}
