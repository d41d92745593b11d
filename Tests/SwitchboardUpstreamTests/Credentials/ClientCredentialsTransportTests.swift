import Foundation
import Logging
import NIOCore
import Synchronization
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTesting
import Testing

/// `credentials.oauth_client_credentials` end to end over loopback: a scripted token endpoint
/// and a scripted MCP server, the Streamable HTTP transport between them.
@Suite("Client-credentials tokens upstream", .timeLimit(.minutes(1)))
struct ClientCredentialsTransportTests {
    @Test("one token is fetched with the right form and reused across calls; the caller's headers play no part")
    func fetchedOnceAndReused() async throws {
        let tokens = TokenEndpointScript(.issue(expiresIn: 3600))
        let mcp = AuthorizingMCPScript()
        try await withScriptedServers(tokens, mcp) { loop, tokenServer, upstream in
            let config = ServerConfig(
                name: "crm",
                transport: .streamableHTTP(CredentialFixtures.endpoint(upstream.port)),
                headers: [.init(name: "X-Team", value: "platform")],
                credentials: CredentialFixtures.oauth(tokenPort: tokenServer.port, scopes: ["crm.read", "crm.write"], audience: "https://crm.internal")
            )
            let (transport, recorder) = CredentialFixtures.streamable(config, loop: loop, clock: ManualClock())
            for id in 1...3 { try await transport.send(CredentialFixtures.ping(id), correlation: UInt64(id)).get() }
            _ = try await recorder.waitForMessages(3)

            #expect(tokens.issued == 1)
            let tokenRequest = try #require(tokenServer.requests.first)
            #expect(tokenRequest.method == "POST")
            #expect(tokenRequest.uri == "/oauth/token")
            #expect(tokenRequest.header("Content-Type") == "application/x-www-form-urlencoded")
            let basic = try #require(tokenRequest.header("Authorization"))
            #expect(basic.hasPrefix("Basic "))
            #expect(Data(base64Encoded: String(basic.dropFirst(6))).map { String(decoding: $0, as: UTF8.self) } == "switchboard:\(CredentialFixtures.secret)")
            let form = Self.form(tokenRequest.body)
            #expect(form["grant_type"] == "client_credentials")
            #expect(form["scope"] == "crm.read crm.write")
            #expect(form["resource"] == "http://127.0.0.1:\(upstream.port)/mcp", "the server's URL by default")
            #expect(form["audience"] == "https://crm.internal")
            #expect(form["client_secret"] == nil, "client_secret_basic keeps the secret out of the body")

            #expect(upstream.requests.count == 3)
            for request in upstream.requests {
                #expect(request.headerValues("Authorization") == ["Bearer token-1"])
                #expect(request.header("X-Team") == "platform")
            }
            try await transport.close().get()
        }
    }

    @Test("concurrent first requests share one fetch")
    func concurrentRequestsShareOneFetch() async throws {
        let tokens = TokenEndpointScript(.slow(milliseconds: 200, expiresIn: 3600))
        let mcp = AuthorizingMCPScript()
        try await withScriptedServers(tokens, mcp) { loop, tokenServer, upstream in
            let config = Self.crm(upstream, tokenPort: tokenServer.port)
            let (transport, recorder) = CredentialFixtures.streamable(config, loop: loop, clock: ManualClock())
            let sends = (1...5).map { transport.send(CredentialFixtures.ping($0), correlation: UInt64($0)) }
            for send in sends { try await send.get() }
            _ = try await recorder.waitForMessages(5)
            #expect(tokens.issued == 1)
            #expect(upstream.requests.allSatisfy { $0.header("Authorization") == "Bearer token-1" })
            try await transport.close().get()
        }
    }

    @Test("refreshed in the background before expiry, and fetched anew once expired")
    func refresh() async throws {
        let tokens = TokenEndpointScript(.issue(expiresIn: 100))
        let mcp = AuthorizingMCPScript()
        try await withScriptedServers(tokens, mcp) { loop, tokenServer, upstream in
            let config = Self.crm(upstream, tokenPort: tokenServer.port)
            let clock = ManualClock()
            let (transport, _) = CredentialFixtures.streamable(config, loop: loop, clock: clock)
            try await transport.send(CredentialFixtures.ping(1), correlation: 1).get()

            // 100 s: margin 10 s; from 80 s a request still uses token-1 and starts a refresh.
            clock.advance(by: .seconds(85))
            try await transport.send(CredentialFixtures.ping(2), correlation: 2).get()
            #expect(upstream.requests.last?.header("Authorization") == "Bearer token-1")
            try await eventually { tokens.issued == 2 }
            // The refreshed token replaces the old one once its answer is read.
            let next = Atomic<Int>(3)
            try? await eventually("token-2 in use") {
                let id = next.add(1, ordering: .relaxed).oldValue
                try await transport.send(CredentialFixtures.ping(id), correlation: UInt64(id)).get()
                return upstream.requests.last?.header("Authorization") == "Bearer token-2"
            }
            #expect(upstream.requests.last?.header("Authorization") == "Bearer token-2")

            // Past token-2's usable end (85 + 90 s): the next request waits for token-3.
            clock.advance(by: .seconds(91))
            try await transport.send(CredentialFixtures.ping(100), correlation: 100).get()
            #expect(upstream.requests.last?.header("Authorization") == "Bearer token-3")
            #expect(tokens.issued == 3)
            try await transport.close().get()
        }
    }

    @Test("a 401 drops the token, fetches another once and sends the request once more")
    func unauthorizedRetriesOnce() async throws {
        let tokens = TokenEndpointScript(.issue(expiresIn: 3600))
        let mcp = AuthorizingMCPScript()
        try await withScriptedServers(tokens, mcp) { loop, tokenServer, upstream in
            let config = Self.crm(upstream, tokenPort: tokenServer.port)
            let (transport, recorder) = CredentialFixtures.streamable(config, loop: loop, clock: ManualClock())
            try await transport.send(CredentialFixtures.ping(1), correlation: 1).get()

            // The server revokes token-1: the request goes again with token-2 and is answered.
            mcp.refuse("Bearer token-1")
            try await transport.send(CredentialFixtures.ping(2), correlation: 2).get()
            let messages = try await recorder.waitForMessages(2)
            #expect(messages.last?.origin == .postStream(correlation: 2))
            #expect(tokens.issued == 2)
            #expect(upstream.requests.suffix(2).map { $0.header("Authorization") } == ["Bearer token-1", "Bearer token-2"])

            // A second 401 in a row is the answer: one retry only.
            mcp.refuse("Bearer token-2")
            mcp.refuse("Bearer token-3")
            let before = upstream.requests.count
            await #expect(throws: UpstreamTransportError.httpStatus(401, body: "")) {
                try await transport.send(CredentialFixtures.ping(3), correlation: 3).get()
            }
            #expect(upstream.requests.count == before + 2)
            #expect(tokens.issued == 3)
            try await transport.close().get()
        }
    }

    /// Counts what a modern transport reports, lost requests included.
    final class ModernDelegate: UpstreamTransportDelegate {
        let messages = Mutex<[String]>([])
        let lost = Mutex<[UInt64]>([])
        func upstreamTransport(received message: ByteBuffer, origin: UpstreamInboundOrigin) {
            messages.withLock { $0.append(String(buffer: message)) }
        }
        func upstreamTransportClosed(error: (any Error)?) {}
        func upstreamTransport(requestEnded correlation: UInt64, error: (any Error)?) { lost.withLock { $0.append(correlation) } }
    }

    @Test("toward a 2026-07-28 server, a request refused with 401 is sent again, not reported lost")
    func modernUnauthorized() async throws {
        let tokens = TokenEndpointScript(.issue(expiresIn: 3600))
        let mcp = AuthorizingMCPScript()
        mcp.refuse("Bearer token-1")
        try await withScriptedServers(tokens, mcp) { loop, tokenServer, upstream in
            let config = Self.crm(upstream, tokenPort: tokenServer.port)
            let (transport, _) = CredentialFixtures.streamable(config, loop: loop, clock: ManualClock())
            let delegate = ModernDelegate()
            transport.setDelegate(delegate)
            transport.prepare(era: .modern)
            try await transport.sendRequest(
                ByteBuffer(string: #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo"}}"#),
                correlation: 5,
                routing: UpstreamRequestRouting(method: "tools/call", name: "echo")
            ).get()
            try await eventually { delegate.messages.withLock { $0.count } == 1 }
            #expect(upstream.requests.map { $0.header("Authorization") } == ["Bearer token-1", "Bearer token-2"])
            #expect(upstream.requests.last?.header("Mcp-Method") == "tools/call")
            #expect(delegate.lost.withLock { $0 }.isEmpty)
            try await transport.close().get()
        }
    }

    @Test("a token endpoint that refuses or is down fails the request with a clear error and no secret")
    func tokenEndpointFailures() async throws {
        let tokens = TokenEndpointScript(.refuse(status: 401, error: "invalid_client"))
        let mcp = AuthorizingMCPScript()
        try await withScriptedServers(tokens, mcp) { loop, tokenServer, upstream in
            let config = Self.crm(upstream, tokenPort: tokenServer.port)
            let clock = ManualClock()
            let (transport, _) = CredentialFixtures.streamable(config, loop: loop, clock: clock)

            let refused = await Self.failure(of: transport.send(CredentialFixtures.ping(1), correlation: 1))
            #expect(refused == .tokenUnavailable(host: "127.0.0.1", reason: "HTTP 401 (invalid_client)"))
            #expect("\(refused.map { "\($0)" } ?? "")" == "could not obtain a token from 127.0.0.1: HTTP 401 (invalid_client)")

            // Inside the retry delay the endpoint is not asked again.
            _ = await Self.failure(of: transport.send(CredentialFixtures.ping(2), correlation: 2))
            #expect(tokenServer.requests.count == 1)

            clock.advance(by: .seconds(2))
            tokens.set(.garbage("access_token=\(CredentialFixtures.secret)"))
            let garbled = await Self.failure(of: transport.send(CredentialFixtures.ping(3), correlation: 3))
            #expect(garbled == .tokenUnavailable(host: "127.0.0.1", reason: "the response is not a JSON object"))

            // An endpoint that is down: nothing listens where the token is asked for.
            let refusing = try RefusingPort()
            let downConfig = Self.crm(upstream, tokenPort: refusing.port)
            let (downTransport, _) = CredentialFixtures.streamable(downConfig, loop: loop, clock: clock)
            let down = await Self.failure(of: downTransport.send(CredentialFixtures.ping(4), correlation: 4))
            withExtendedLifetime(refusing) {}
            let text = down.map { "\($0)" } ?? ""
            #expect(text.hasPrefix("could not obtain a token from 127.0.0.1: could not connect"), "\(text)")
            for failure in [refused, garbled, down] {
                #expect(!"\(String(describing: failure))".contains(CredentialFixtures.secret))
            }
            #expect(upstream.requests.isEmpty, "nothing reaches the server without a token")
            try await downTransport.close().get()
            try await transport.close().get()
        }
    }

    @Test("client_secret_post sends the credentials in the form instead")
    func clientSecretPost() async throws {
        let tokens = TokenEndpointScript(.issue(expiresIn: nil))
        let mcp = AuthorizingMCPScript()
        try await withScriptedServers(tokens, mcp) { loop, tokenServer, upstream in
            guard case .oauthClientCredentials(var oauth) = CredentialFixtures.oauth(tokenPort: tokenServer.port, resource: "https://crm.internal/mcp") else { return }
            oauth.authentication = .clientSecretPost
            let config = ServerConfig(name: "crm", transport: .streamableHTTP(CredentialFixtures.endpoint(upstream.port)), credentials: .oauthClientCredentials(oauth))
            let (transport, _) = CredentialFixtures.streamable(config, loop: loop, clock: ManualClock())
            try await transport.send(CredentialFixtures.ping(1), correlation: 1).get()
            let request = try #require(tokenServer.requests.first)
            #expect(request.header("Authorization") == nil)
            let form = Self.form(request.body)
            #expect(form["client_id"] == "switchboard")
            #expect(form["client_secret"] == CredentialFixtures.secret)
            #expect(form["resource"] == "https://crm.internal/mcp")
            #expect(form["scope"] == nil)
            try await transport.close().get()
        }
    }

    /// A scripted token endpoint and a scripted MCP server on loopback for `body`; both are
    /// shut down afterwards (a test may have stopped one already).
    func withScriptedServers(
        _ tokens: TokenEndpointScript, _ mcp: AuthorizingMCPScript,
        _ body: (_ loop: any EventLoop, _ tokenServer: TestHTTPServer, _ upstream: TestHTTPServer) async throws -> Void
    ) async throws {
        try await withEventLoops { loop, group in
            let tokenServer = try await TestHTTPServer.start(group: group) { tokens.handle($0, $1) }
            let upstream = try await TestHTTPServer.start(group: group) { mcp.handle($0, $1) }
            do {
                try await body(loop, tokenServer, upstream)
            } catch {
                try? await upstream.shutdown()
                try? await tokenServer.shutdown()
                throw error
            }
            try? await upstream.shutdown()
            try? await tokenServer.shutdown()
        }
    }

    /// The server under test: `upstream`, with OAuth client credentials from the token endpoint
    /// on `tokenPort`.
    static func crm(_ upstream: TestHTTPServer, tokenPort: Int) -> ServerConfig {
        ServerConfig(
            name: "crm", transport: .streamableHTTP(CredentialFixtures.endpoint(upstream.port)), credentials: CredentialFixtures.oauth(tokenPort: tokenPort)
        )
    }

    static func failure(of future: EventLoopFuture<Void>) async -> UpstreamCredentialError? {
        do {
            try await future.get()
            Issue.record("the send succeeded")
            return nil
        } catch {
            guard let credentialError = error as? UpstreamCredentialError else {
                Issue.record("unexpected error \(error)")
                return nil
            }
            return credentialError
        }
    }

    static func form(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }
}
