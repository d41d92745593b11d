import Foundation
import NIOPosix
import SwitchboardCore
import SwitchboardUpstream
import Testing

extension Interop {
    /// The gateway's OAuth client against an authorization server no one here wrote (the Python
    /// SDK's auth routes): discovery from the MCP server's 401, RFC 9728 and RFC 8414 metadata,
    /// dynamic registration, authorization code with PKCE S256 and RFC 8707 resource through a
    /// scripted browser, the token accepted by the MCP server, refresh with rotation.
    @Suite struct OAuthClientInteropTests {
        @Test func discoversRegistersAuthorizesAndRefreshes() async throws {
            let peer = try await OAuthServerPeer.start()
            defer { peer.stop() }
            let http = OAuthHTTP(group: MultiThreadedEventLoopGroup.singleton)
            let discovery = OAuthDiscovery(http: http)
            let server = HTTPEndpoint(host: "127.0.0.1", port: peer.port, pathAndQuery: "/mcp")

            let challenge = try #require(try await discovery.challenge(of: server))
            #expect(challenge.resourceMetadata == "\(peer.base)/.well-known/oauth-protected-resource/mcp", "\(challenge)")
            let resource = try await discovery.protectedResource(of: server, challenge: challenge)
            #expect(resource.resource == peer.mcp)
            let issuer = try #require(resource.authorizationServers.first)
            let metadata = try await discovery.authorizationServer(issuer)
            #expect(metadata.tokenEndpoint.description == "\(peer.base)/token")
            let registration = try #require(metadata.registrationEndpoint)

            let redirect = "http://127.0.0.1:1/oauth/callback"
            let client = try await OAuthClientIdentity.register(at: registration, redirectURI: redirect, clientName: "switchboard test", scopes: ["mcp"], http: http)
            #expect(!client.clientID.isEmpty)
            #expect(!"\(client)".contains(client.clientSecret ?? "no secret"), "a client prints no secret")

            let pkce = PKCE()
            let request = OAuthAuthorizationRequest(
                endpoint: metadata.authorizationEndpoint, clientID: client.clientID, redirectURI: redirect, challenge: pkce.challenge,
                state: "state-1", scopes: ["mcp"], resource: resource.resource
            )
            let back = try await peer.consent(authorizationURL: request.url, as: "alice")
            let query = try #require(URLComponents(string: back)?.queryItems)
            #expect(back.hasPrefix(redirect + "?"))
            #expect(query.first { $0.name == "state" }?.value == "state-1")
            let code = try #require(query.first { $0.name == "code" }?.value)

            let endpoint = OAuthTokenEndpoint(url: metadata.tokenEndpoint, client: client, http: http)
            // The verifier of another authorization does not redeem the code.
            await #expect(throws: OAuthError.self) {
                _ = try await endpoint.exchange(code: code, verifier: PKCE().verifier, redirectURI: redirect, resource: resource.resource)
            }
            let tokens = try await endpoint.exchange(code: code, verifier: pkce.verifier, redirectURI: redirect, resource: resource.resource)
            #expect(tokens.refreshToken != nil && tokens.expiresAt != nil)
            #expect(!"\(tokens)".contains(tokens.accessToken))

            let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
            let withToken = try await curl(peer.mcp, post: initialize, ["Authorization: Bearer \(tokens.accessToken)"])
            #expect(withToken.status == 200, "\(withToken.status) \(withToken.body)")
            let without = try await curl(peer.mcp, post: initialize)
            #expect(without.status == 401)

            let refreshed = try await endpoint.refresh(try #require(tokens.refreshToken), resource: resource.resource)
            #expect(refreshed.accessToken != tokens.accessToken && refreshed.refreshToken != tokens.refreshToken)
            // Rotation: the first refresh token is spent.
            do {
                _ = try await endpoint.refresh(try #require(tokens.refreshToken), resource: resource.resource)
                Issue.record("a spent refresh token was accepted")
            } catch {
                #expect("\(error)".contains("invalid_grant"), "\(error)")
                #expect(!"\(error)".contains(tokens.refreshToken!), "no token in the message")
            }
        }
    }
}
