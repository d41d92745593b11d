import NIOCore
import NIOEmbedded
import NIOHTTP1
import SwitchboardCore
import SwitchboardTesting
import Testing
@testable import SwitchboardDataPlane

/// One data-plane connection on an `EmbeddedChannel`: requests written in, response parts read
/// out, the gateway behind it scripted. No sockets.
@Suite struct MCPHTTPHandlerTests {
    struct Connection {
        let fixture: GatewayFixture
        let channel: EmbeddedChannel

        init(_ fixture: GatewayFixture, maxBodyBytes: Int = 1024) throws {
            self.fixture = fixture
            let config = GatewayConfig()
            let gateway = fixture.gateway
            let routes = MCPHTTPRoutes(
                gateway: gateway,
                origins: OriginPolicy(allowedOrigins: [], listenHost: "127.0.0.1"),
                authentication: CallerAuthentication(auth: nil, listen: ListenAddress(), keys: nil, tokens: nil),
                streamable: StreamableHTTPEndpoint(gateway: gateway, limits: config.limits, keepAlive: .seconds(15)),
                legacySSE: LegacySSEEndpoint(gateway: gateway, sessions: config.sessions, limits: config.limits),
                control: nil,
                consent: nil,
                metrics: MetricsEndpoint(config: MetricsConfig(), contentType: "text/plain; version=0.0.4") { ByteBuffer(string: "up 1\n") },
                rest: RESTEndpoint(gateway: gateway, maxJSONDepth: 64),
                a2a: A2AEndpoint(
                    gateway: gateway, maxJSONDepth: 64, tasks: A2ATasks(), publicOrigin: nil, descriptions: [:], wantsCredentials: false, acceptsAPIKeys: false,
                    isTLS: false
                )
            )
            channel = EmbeddedChannel(handler: MCPHTTPHandler(routes: routes, maxBodyBytes: maxBodyBytes), loop: fixture.loop)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }

        func send(_ method: HTTPMethod, _ uri: String, headers: [(String, String)] = [], body: String? = nil) throws {
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            if let body { head.headers.add(name: "Content-Length", value: String(body.utf8.count)) }
            try channel.writeInbound(HTTPServerRequestPart.head(head))
            if let body { try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: body))) }
            try channel.writeInbound(HTTPServerRequestPart.end(nil))
            fixture.run()
        }

        /// Every response written so far: status, headers, body.
        func responses() throws -> [(status: HTTPResponseStatus, headers: HTTPHeaders, body: String)] {
            var out: [(HTTPResponseStatus, HTTPHeaders, String)] = []
            while let part = try channel.readOutbound(as: HTTPServerResponsePart.self) {
                switch part {
                case .head(let head): out.append((head.status, head.headers, ""))
                case .body(.byteBuffer(let bytes)): out[out.count - 1].2 += String(buffer: bytes)
                case .body: break
                case .end: break
                }
            }
            return out
        }
    }

    static let json = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")]

    @Test func healthAndUnknownPathsAnswerAtOnce() throws {
        let connection = try Connection(try GatewayFixture([]))
        try connection.send(.GET, "/healthz")
        try connection.send(.GET, "/nope")
        let responses = try connection.responses()
        #expect(responses.map(\.status) == [.ok, .notFound])
        #expect(responses[0].body == "ok\n")
        #expect(!responses[0].headers.contains(name: "Connection"), "kept alive")
        #expect(connection.channel.isActive)
    }

    /// Without `auth` nothing is checked anywhere, `/metrics` included; only GET and HEAD.
    @Test func metricsAnswerAtOnceWithoutAuth() throws {
        let connection = try Connection(try GatewayFixture([]))
        try connection.send(.GET, "/metrics")
        try connection.send(.POST, "/metrics", body: "{}")
        let responses = try connection.responses()
        #expect(responses.map(\.status) == [.ok, .methodNotAllowed])
        #expect(responses[0].body == "up 1\n")
        #expect(responses[0].headers.first(name: "Content-Type") == "text/plain; version=0.0.4")
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let fixture = try GatewayFixture([.init(name: "crm")])
        let session = try fixture.session()
        let connection = try Connection(fixture)
        try connection.send(.POST, "/mcp", headers: Self.json + [("Mcp-Session-Id", session.id)], body: CallRouterTests.call(1))
        try connection.send(.GET, "/healthz")
        #expect(try connection.responses().isEmpty, "the health check waits behind the call")

        let sent = try #require(fixture["crm"].requests(MCPMethod.toolsCall).first)
        fixture["crm"].respond(to: sent.id!, result: #"{"content":[]}"#)
        fixture.run()
        let responses = try connection.responses()
        #expect(responses.map(\.status) == [.ok, .ok])
        #expect(responses[0].body.contains(#""result":{"content":[]}"#))
        #expect(responses[1].body == "ok\n")
    }

    /// The REST front door: the catalogue in MCP's and OpenAI's shapes, a call with the body as
    /// its arguments, and errors as problem+json with the status they stand for.
    @Test func theRESTFrontDoorListsAndCalls() throws {
        let fixture = try GatewayFixture([.init(name: "crm", script: { request in
            request.method == MCPMethod.toolsCall ? .result(#"{"content":[{"type":"text","text":"ok"}]}"#) : .later
        })])
        let connection = try Connection(fixture)
        try connection.send(.GET, "/api/v1/tools")
        try connection.send(.GET, "/api/v1/tools?format=openai")
        try connection.send(.POST, "/api/v1/tools/crm__echo/call", headers: [("Content-Type", "application/json")], body: #"{"x":1}"#)
        try connection.send(.POST, "/api/v1/tools/crm__nope/call", body: "{}")
        try connection.send(.POST, "/api/v1/tools/crm__echo/call", body: "[1]")
        try connection.send(.GET, "/api/v1/tools/crm__echo/call")
        try connection.send(.GET, "/api/v1/tools?format=xml")
        let responses = try connection.responses()
        #expect(responses.map(\.status) == [.ok, .ok, .ok, .notFound, .badRequest, .methodNotAllowed, .badRequest])
        let listed = try JSONView.parse(ByteBuffer(string: responses[0].body))
        #expect(listed["tools"]?.elements.compactMap { $0["name"]?.string }.contains("crm__echo") == true)
        let openAI = try JSONView.parse(ByteBuffer(string: responses[1].body))
        let first = try #require(openAI["tools"]?.elements.first)
        #expect(first["type"]?.string == "function")
        #expect(first["function"]?["parameters"]?["type"]?.string == "object")
        #expect(responses[2].body == #"{"content":[{"type":"text","text":"ok"}]}"#)
        let sent = try #require(fixture["crm"].requests(MCPMethod.toolsCall).first)
        #expect(sent.params?["name"]?.string == "echo")
        #expect(sent.params?["arguments"]?.rawText == #"{"x":1}"#)
        #expect(responses[3].headers.first(name: "Content-Type") == "application/problem+json")
        let problem = try JSONView.parse(ByteBuffer(string: responses[3].body))
        #expect(problem["status"]?.int == 404)
        #expect(problem["detail"]?.string?.contains("crm__nope") == true)
    }

    @Test func aBodyOverTheLimitIsRefusedAndTheConnectionClosed() throws {
        let connection = try Connection(try GatewayFixture([]), maxBodyBytes: 16)
        try connection.send(.POST, "/mcp", headers: Self.json, body: String(repeating: "x", count: 17))
        let responses = try connection.responses()
        #expect(responses.map(\.status) == [.payloadTooLarge])
        #expect(responses[0].headers["Connection"] == ["close"])
        #expect(!connection.channel.isActive)
    }

    @Test func bytesThatAreNotHTTPGetA400AndClose() throws {
        let connection = try Connection(try GatewayFixture([]))
        connection.channel.pipeline.fireErrorCaught(HTTPParserError.invalidVersion)
        let responses = try connection.responses()
        #expect(responses.map(\.status) == [.badRequest])
        #expect(responses[0].body == "bad HTTP request\n")
        #expect(!connection.channel.isActive)
    }

    @Test func aForeignOriginIsRefused() throws {
        let connection = try Connection(try GatewayFixture([]))
        try connection.send(.POST, "/mcp", headers: Self.json + [("Origin", "https://evil.example")], body: "{}")
        #expect(try connection.responses().map(\.status) == [.forbidden])
    }

    @Test func aStatelessClientClosingTheConnectionCancelsItsCall() throws {
        let fixture = try GatewayFixture([.init(name: "crm")])
        let connection = try Connection(fixture)
        let body = GatewayFixture.withEnvelope(CallRouterTests.call(1), capabilities: "{}")
        try connection.send(
            .POST, "/mcp",
            headers: Self.json + [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/call"), ("Mcp-Name", "crm__echo")],
            body: body
        )
        #expect(fixture["crm"].requests(MCPMethod.toolsCall).count == 1)
        _ = try connection.channel.finish()
        fixture.run()
        #expect(fixture["crm"].notifications(MCPMethod.cancelled).count == 1)
    }

    @Test func aLegacyClientClosingTheConnectionDoesNotCancel() throws {
        let fixture = try GatewayFixture([.init(name: "crm")])
        let session = try fixture.session()
        let connection = try Connection(fixture)
        try connection.send(.POST, "/mcp", headers: Self.json + [("Mcp-Session-Id", session.id)], body: CallRouterTests.call(1))
        _ = try connection.channel.finish()
        fixture.run()
        #expect(fixture["crm"].notifications(MCPMethod.cancelled).isEmpty)
        #expect(session.inFlightCount == 1, "the call goes on; its answer will have nowhere to go")
    }
}
