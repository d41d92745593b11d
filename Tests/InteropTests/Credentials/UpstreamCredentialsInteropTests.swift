import Foundation
import Logging
import NIOPosix
import Switchboard
import SwitchboardCore
import SwitchboardIdentity
import SwitchboardStore
import SwitchboardTesting
import Testing

/// The caller's own credentials stop at the gateway: a live gateway with `auth` on, a caller
/// presenting an API key both ways, and an upstream that records every header it receives.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct UpstreamCredentialsInteropTests {
    /// A legacy MCP server that answers what the gateway asks while it starts and one tool.
    static func answer(_ request: TestHTTPRequest, _ responder: TestHTTPResponder) {
        guard request.method == "POST" else { return responder.respond(status: 405) }
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
        guard let id = body["id"].map({ "\($0)" }) else { return responder.respond(status: 202) }
        let result: String
        switch body["method"] as? String {
        case "initialize": result = #"{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"crm","version":"1"}}"#
        case "tools/list": result = #"{"tools":[{"name":"lookup","inputSchema":{"type":"object"}}]}"#
        case "tools/call": result = #"{"content":[{"type":"text","text":"found"}]}"#
        default: result = "{}"
        }
        responder.json(#"{"jsonrpc":"2.0","id":\#(id),"result":\#(result)}"#)
    }

    @Test func theCallersKeyNeverReachesTheServerAndTheConfiguredCredentialDoes() async throws {
        let folder = PeerEnvironment.temporaryFile("credentials")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "upstream-secret\n".write(toFile: folder + "/crm-token", atomically: true, encoding: .utf8)
        let store = try SQLiteStore(url: "sqlite:\(folder)/switchboard.db")
        let key = try store.createKey(name: "agent", roles: ["agent"], tenant: nil, virtualServers: nil, expiresAt: nil).key

        let upstream = try await TestHTTPServer.start(group: MultiThreadedEventLoopGroup.singleton) { Self.answer($0, $1) }
        var crm = ServerConfig(
            name: "crm",
            transport: .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: upstream.port, pathAndQuery: "/mcp")),
            headers: [.init(name: "X-Team", value: "platform")],
            credentials: .bearerFile(path: folder + "/crm-token")
        )
        crm.era = .legacy
        let config = GatewayConfig(
            listen: ListenAddress(host: "127.0.0.1", port: 0), store: "sqlite:\(folder)/switchboard.db", servers: [crm],
            auth: AuthConfig(anonymous: false)
        )
        var logger = Logger(label: "switchboard.test")
        logger.logLevel = .critical
        let runtime = try GatewayRuntime(config: config, logger: logger, threads: 2)
        let port = try await runtime.start()
        await runtime.waitForServers(seconds: 10)
        let gateway = RawHTTP(url: "http://127.0.0.1:\(port)/mcp")
        do {
            // Auth is on: without the key the gateway refuses.
            let anonymous = try await gateway.post(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
            #expect(anonymous.status == 401)

            let caller = ["Authorization": "Bearer \(key)", "X-API-Key": key, "Cookie": "session=\(key)"]
            let initialize = try await gateway.post(
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
                headers: caller
            )
            #expect(initialize.status == 200)
            let session = try #require(initialize.headers["mcp-session-id"])
            var headers = caller
            headers["Mcp-Session-Id"] = session
            headers["MCP-Protocol-Version"] = "2025-06-18"
            _ = try await gateway.post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, headers: headers)
            let call = try await gateway.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"crm__lookup","arguments":{}}}"#, headers: headers)
            #expect(call.status == 200)
            #expect(call.body.contains("found"), "\(call.body)")

            let calls = upstream.requests.filter { $0.body.contains("tools/call") }
            #expect(calls.count == 1)
            #expect(!upstream.requests.isEmpty)
            for request in upstream.requests {
                for (name, value) in request.headers {
                    #expect(!value.contains(key), "the caller's key travelled upstream in \(name)")
                }
                #expect(request.header("X-API-Key") == nil)
                #expect(request.header("Cookie") == nil)
                #expect(request.headerValues("Authorization") == ["Bearer upstream-secret"])
                #expect(request.header("X-Team") == "platform")
            }
        } catch {
            try? await runtime.shutdown()
            try? await upstream.shutdown()
            throw error
        }
        try await runtime.shutdown()
        try await upstream.shutdown()
    }

    /// Passthrough: a JWT caller's own token reaches a server configured for it only when the
    /// token names that server in `aud`; otherwise nothing is sent.
    @Test func passthroughForwardsOnlyTokensForThatServer() async throws {
        let issuer = try await TestIssuer.start()
        let upstream = try await TestHTTPServer.start(group: MultiThreadedEventLoopGroup.singleton) { Self.answer($0, $1) }
        let resource = "https://gw.test/mcp"
        var crm = ServerConfig(
            name: "crm",
            transport: .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: upstream.port, pathAndQuery: "/mcp")),
            credentials: .passthrough(audience: "https://crm.test")
        )
        crm.era = .legacy
        let governed = try ConfigLoader.parse(
            yaml: "auth:\n  resource: \(resource)\n  api_keys: false\n  jwt:\n    issuer: \(TestIssuer.issuer)\n    jwks_url: \(issuer.jwksURL)\n",
            path: "passthrough.yaml", environment: [:]
        )
        let config = GatewayConfig(listen: ListenAddress(host: "127.0.0.1", port: 0), servers: [crm], auth: governed.auth)
        var logger = Logger(label: "switchboard.test")
        logger.logLevel = .critical
        let runtime = try GatewayRuntime(config: config, logger: logger, threads: 2)
        let port = try await runtime.start()
        await runtime.waitForServers(seconds: 10)
        let gateway = RawHTTP(url: "http://127.0.0.1:\(port)/mcp")
        func call(with token: String) async throws -> RawHTTP.Response {
            let auth = ["Authorization": "Bearer \(token)"]
            let opened = try await gateway.post(
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
                headers: auth
            )
            let session = try #require(opened.headers["mcp-session-id"], "\(opened.status) \(opened.body)")
            let headers = auth.merging(["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"]) { a, _ in a }
            return try await gateway.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"crm__lookup","arguments":{}}}"#, headers: headers)
        }
        do {
            let forCRM = try await issuer.token(["sub": "alice", "aud": [resource, "https://crm.test"]])
            let answered = try await call(with: forCRM)
            #expect(answered.body.contains("found"), "\(answered.body)")
            let sent = upstream.requests.filter { $0.body.contains("tools/call") }
            #expect(sent.count == 1)
            #expect(sent.first?.headerValues("Authorization") == ["Bearer \(forCRM)"])

            let forGatewayOnly = try await issuer.token(["sub": "bob", "aud": resource])
            let refused = try await call(with: forGatewayOnly)
            #expect(refused.errorCode == -31001, "\(refused.body)")
            #expect(refused.body.contains("not for this server"), "\(refused.body)")
            #expect(upstream.requests.filter { $0.body.contains("tools/call") }.count == 1, "nothing was sent for bob")
            #expect(!upstream.requests.contains { $0.headerValues("Authorization").contains("Bearer \(forGatewayOnly)") })
        } catch {
            try? await runtime.shutdown()
            try? await upstream.shutdown()
            await issuer.shutdown()
            throw error
        }
        try await runtime.shutdown()
        try await upstream.shutdown()
        await issuer.shutdown()
    }
}
