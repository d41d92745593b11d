import SwitchboardCore
import Testing

@testable import SwitchboardIdentity

@Suite struct BearerChallengeTests {
    static let metadata = "https://gw.example.com/.well-known/oauth-protected-resource/mcp"

    @Test func noTokenPointsAtTheMetadata() {
        #expect(BearerChallenge.missingToken(metadataURL: Self.metadata, scopes: ["mcp"]).headerValue
            == #"Bearer resource_metadata="https://gw.example.com/.well-known/oauth-protected-resource/mcp", scope="mcp""#)
        #expect(BearerChallenge.missingToken(metadataURL: Self.metadata, scopes: []).headerValue
            == #"Bearer resource_metadata="https://gw.example.com/.well-known/oauth-protected-resource/mcp""#)
    }

    @Test func aRefusedTokenSaysWhy() {
        let challenge = BearerChallenge.refused(.expired, metadataURL: Self.metadata, scopes: ["mcp"])
        #expect(challenge.headerValue
            == #"Bearer resource_metadata="https://gw.example.com/.well-known/oauth-protected-resource/mcp", scope="mcp", error="invalid_token", error_description="the token has expired""#)
    }

    @Test func insufficientScopeListsEveryRequiredScope() {
        let challenge = BearerChallenge.refused(.insufficientScope(required: ["mcp", "tools:write"]), metadataURL: Self.metadata, scopes: ["mcp"])
        #expect(challenge.headerValue
            == #"Bearer resource_metadata="https://gw.example.com/.well-known/oauth-protected-resource/mcp", scope="mcp tools:write", error="insufficient_scope", error_description="the token lacks a required scope (required: mcp tools:write)""#)
    }

    @Test func valuesAreQuoteEscapedAndStripped() {
        #expect(BearerChallenge.quoted(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(BearerChallenge.quoted("line\r\nbreak é") == #""line??break ?""#)
    }

    @Test func scopesToAskForPreferTheRequiredOnes() {
        let url = WebURL(scheme: "https", host: "idp", port: 443, pathAndQuery: "/jwks")
        var config = AuthConfig(jwt: JWTConfig(issuer: "https://idp", jwksURL: url, audiences: ["a"]), scopesSupported: ["mcp", "admin"])
        #expect(BearerChallenge.scopes(for: config) == ["mcp", "admin"])
        config.jwt?.requiredScopes = ["mcp"]
        #expect(BearerChallenge.scopes(for: config) == ["mcp"])
    }
}
