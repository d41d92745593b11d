import SwitchboardCore
import Synchronization
import Testing

@testable import SwitchboardUpstream

/// The pieces of the OAuth client that need no network: challenges as servers write them,
/// PKCE against RFC 7636's own example, metadata that lacks what the flow needs, and the
/// authorization URL.
@Suite struct OAuthPartsTests {
    @Test(arguments: [
        (#"Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="files:read files:write""#,
         BearerChallenge(resourceMetadata: "https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scopes: ["files:read", "files:write"])),
        (#"Bearer error="insufficient_scope", scope="admin", resource_metadata="https://a/m""#,
         BearerChallenge(resourceMetadata: "https://a/m", scopes: ["admin"], error: "insufficient_scope")),
        (#"Basic realm="x", Bearer realm="mcp",error=invalid_token"#, BearerChallenge(error: "invalid_token")),
        ("bearer", BearerChallenge()),
        (#"Bearer realm="a \"quoted\" realm", scope="s""#, BearerChallenge(scopes: ["s"])),
    ])
    func readsChallenges(_ header: String, _ expected: BearerChallenge) {
        #expect(BearerChallenge.parse(header) == expected)
    }

    @Test(arguments: [#"Basic realm="x""#, "Bearerish x=1", ""])
    func findsNoBearerChallenge(_ header: String) {
        #expect(BearerChallenge.parse(header) == nil)
    }

    @Test func pkceMatchesRFC7636AppendixB() {
        #expect(PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let fresh = PKCE()
        #expect(fresh.verifier.count == 43 && fresh != PKCE(), "256 random bits, base64url")
    }

    @Test func metadataNeedsItsEndpoints() throws {
        let url = WebURL(scheme: "https", host: "as.example.com", port: 443, pathAndQuery: "/.well-known/oauth-authorization-server")
        let full: [String: Any] = [
            "issuer": "https://as.example.com", "authorization_endpoint": "https://as.example.com/authorize?tenant=1",
            "token_endpoint": "https://as.example.com/token", "code_challenge_methods_supported": ["S256"],
        ]
        let metadata = try AuthorizationServerMetadata.parse(full, from: url)
        #expect(metadata.authorizationEndpoint.pathAndQuery == "/authorize?tenant=1" && metadata.registrationEndpoint == nil)
        var broken = full
        broken["token_endpoint"] = "ftp://as.example.com/token"
        #expect(throws: OAuthError("the authorization server metadata at https://as.example.com/.well-known/oauth-authorization-server has an unusable token_endpoint")) {
            try AuthorizationServerMetadata.parse(broken, from: url)
        }
        #expect(throws: OAuthError.self) { try ProtectedResourceMetadata.parse(["resource": "https://mcp"], from: url) }
        #expect(OAuthDiscovery.sameIssuer("https://as.example.com/", "https://as.example.com"))
        #expect(!OAuthDiscovery.sameIssuer("https://as.example.com/a", "https://as.example.com/b"))
    }

    @Test func authorizationURLKeepsTheEndpointsQuery() throws {
        let request = OAuthAuthorizationRequest(
            endpoint: try #require(WebURL(parsing: "https://as.example.com/authorize?tenant=1")), clientID: "c 1",
            redirectURI: "https://gw.example.com/oauth/callback", challenge: "abc", state: "s", scopes: ["a", "b"], resource: "https://mcp.example.com/mcp"
        )
        #expect(request.url == "https://as.example.com/authorize?tenant=1&response_type=code&client_id=c%201"
            + "&redirect_uri=https%3A%2F%2Fgw.example.com%2Foauth%2Fcallback&code_challenge=abc&code_challenge_method=S256&state=s"
            + "&resource=https%3A%2F%2Fmcp.example.com%2Fmcp&scope=a%20b")
    }

    @Test(arguments: ["https://u:p@h/x", "https://h/x#f", "mailto:a@b", "/relative", "https://"])
    func refusesURLsThatAreNoEndpoint(_ text: String) {
        #expect(WebURL(parsing: text) == nil)
    }

    @Test func aHolderDropsOnlyTheTokenTheServerRefused() {
        let holder = OAuthTokenHolder(server: "crm")
        let told = Mutex(0)
        holder.whenRejected { told.withLock { $0 += 1 } }
        holder.set("new")
        holder.rejected("old")
        #expect(holder.token == "new" && told.withLock { $0 } == 0, "a refusal of a token already replaced changes nothing")
        holder.rejected("new")
        #expect(holder.token == nil && told.withLock { $0 } == 1)
        holder.rejected(nil)
        #expect(told.withLock { $0 } == 1, "no token, nothing to refresh twice")
    }
}
