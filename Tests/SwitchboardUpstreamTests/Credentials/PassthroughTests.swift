import Logging
import NIOCore
import Synchronization
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTesting
import Testing

/// `credentials.passthrough`: the caller's own token goes upstream only when its `aud` names
/// the server; the gateway's own requests go without one.
@Suite("Passthrough of the caller's token", .timeLimit(.minutes(1)))
struct PassthroughTests {
    static let audience = "https://crm.internal/mcp"

    @Test("a token for this server is forwarded; another audience or none is refused before sending")
    func audienceCheck() async throws {
        try await withEventLoops { loop, group in
            let mcp = AuthorizingMCPScript()
            let upstream = try await TestHTTPServer.start(group: group) { mcp.handle($0, $1) }
            var config = ServerConfig(
                name: "crm", transport: .streamableHTTP(CredentialFixtures.endpoint(upstream.port)),
                credentials: .passthrough(audience: Self.audience)
            )
            config.era = .legacy
            let transport = UpstreamTransportFactory.make(config, loop, Logger(label: "test"))
            let server = UpstreamServer(config: config, transport: transport, eventLoop: loop, logger: Logger(label: "test"), clientVersion: "1")
            server.start()
            try await eventually { server.isReady }
            // The handshake is the gateway's own: no caller, no Authorization.
            #expect(upstream.requests.allSatisfy { $0.header("Authorization") == nil })

            let good = CredentialFixtures.callerToken(audience: ["https://other.example", Self.audience])
            let (_, accepted) = server.request(method: "tools/call", observer: nil, on: loop, meta: UpstreamRequestMeta(callerToken: good)) { _ in
                ByteBuffer(string: #"{"name":"echo"}"#)
            }
            #expect(try await accepted.get().result != nil)
            // The GET stream and notifications run alongside: look at the calls only.
            let calls = { upstream.requests.filter { $0.body.contains(#""method":"tools/call""#) } }
            #expect(calls().map { $0.headerValues("Authorization") } == [["Bearer \(good)"]])
            let cases: [(String?, String)] = [
                (CredentialFixtures.callerToken(audience: ["https://other.example"]), "the caller's token is not for this server"),
                ("not-a-jwt", "the caller's token is not for this server"),
                (nil, "the caller has no bearer token to pass through to this server"),
            ]
            for (token, reason) in cases {
                let (_, refused) = server.request(method: "tools/call", observer: nil, on: loop, meta: UpstreamRequestMeta(callerToken: token)) { _ in
                    ByteBuffer(string: #"{"name":"echo"}"#)
                }
                await #expect(throws: UpstreamError.unavailable(server: "crm", reason: reason)) { try await refused.get() }
            }
            #expect(calls().count == 1, "a refused token never leaves the gateway")

            // A request without meta is the gateway's own (lists, pings): sent without a token.
            let (_, own) = server.request(method: "tools/list", observer: nil, on: loop) { _ in nil }
            _ = try await own.get()
            let lists = upstream.requests.filter { $0.body.contains(#""method":"tools/list""#) }
            #expect(lists.count == 1 && lists.allSatisfy { $0.header("Authorization") == nil })
            try await server.stop().get()
            try await upstream.shutdown()
        }
    }

    /// The transport checks the audience again, whoever hands it a token.
    final class TokenDelegate: UpstreamTransportDelegate {
        let token: String
        init(token: String) { self.token = token }
        func upstreamTransport(received message: ByteBuffer, origin: UpstreamInboundOrigin) {}
        func upstreamTransportClosed(error: (any Error)?) {}
        func upstreamTransport(callerTokenFor correlation: UInt64) -> String? { token }
    }

    @Test("the transport refuses a token for another audience on its own")
    func transportCheck() async throws {
        try await withEventLoops { loop, group in
            let mcp = AuthorizingMCPScript()
            let upstream = try await TestHTTPServer.start(group: group) { mcp.handle($0, $1) }
            let config = ServerConfig(
                name: "crm", transport: .streamableHTTP(CredentialFixtures.endpoint(upstream.port)),
                credentials: .passthrough(audience: Self.audience)
            )
            let transport = UpstreamTransportFactory.make(config, loop, Logger(label: "test"))
            transport.setDelegate(TokenDelegate(token: CredentialFixtures.callerToken(audience: ["https://other.example"])))
            await #expect(throws: UpstreamCredentialError.callerTokenNotForServer) {
                try await transport.send(CredentialFixtures.ping(1), correlation: 1).get()
            }
            #expect(upstream.requests.isEmpty)
            try await transport.close().get()
            try await upstream.shutdown()
        }
    }
}
