import SwitchboardCore
import SwitchboardPolicy
import Testing

@testable import SwitchboardIdentity

/// Claim checks and claim mapping without keys or network: a table of payloads at a fixed time.
@Suite struct TokenRulesTests {
    static let now = 1_700_000_000.0
    static let url = WebURL(scheme: "https", host: "idp.example.com", port: 443, pathAndQuery: "/jwks")

    static func rules(
        audiences: [String] = ["api://gw"],
        resource: String? = nil,
        claims: JWTClaimMapping = .init(),
        requiredScopes: [String] = []
    ) -> TokenRules {
        TokenRules(
            config: JWTConfig(issuer: "https://idp", jwksURL: url, audiences: audiences, claims: claims, requiredScopes: requiredScopes),
            resource: resource
        )
    }

    static func payload(_ extra: [String: ClaimValue] = [:]) -> [String: ClaimValue] {
        var payload: [String: ClaimValue] = [
            "iss": .string("https://idp"), "aud": .string("api://gw"), "sub": .string("alice"), "exp": .number(now + 60),
        ]
        for (name, value) in extra { payload[name] = value }
        return payload
    }

    func check(_ rules: TokenRules, _ payload: [String: ClaimValue]) -> Result<VerifiedToken, TokenRejection> {
        rules.check(payload, now: Self.now, keyID: "k", algorithm: "ES256")
    }

    @Test func namespacedClaimsWithDotsAreReadByTheirWholeName() throws {
        let rules = Self.rules(claims: JWTClaimMapping(roles: "https://example.com/roles", tenant: "https://example.com/tenant"))
        let principal = try check(rules, Self.payload([
            "https://example.com/roles": .array([.string("admin")]), "https://example.com/tenant": .string("acme"),
        ])).get().principal
        #expect(principal.roles == ["admin"])
        #expect(principal.tenant == "acme")
    }

    @Test func scopeComesFromScpWhenScopeIsAbsent() throws {
        #expect(try check(Self.rules(), Self.payload(["scp": .string("a b")])).get().principal.scopes == ["a", "b"])
        #expect(try check(Self.rules(), Self.payload(["scope": .string("x"), "scp": .string("y")])).get().principal.scopes == ["x"])
        // A mapped scopes claim does not fall back.
        let mapped = Self.rules(claims: JWTClaimMapping(scopes: "permissions"))
        #expect(try check(mapped, Self.payload(["scp": .string("y")])).get().principal.scopes.isEmpty)
    }

    @Test func rolesOfTheWrongShapeAreNone() throws {
        for roles: ClaimValue in [.number(1), .object([:]), .array([.string("a"), .number(2)])] {
            #expect(try check(Self.rules(), Self.payload(["roles": roles])).get().principal.roles.isEmpty)
        }
    }

    /// With audiences defaulted from `auth.resource`, a token for a virtual server under it is
    /// a token for this gateway; explicit audiences match exactly.
    @Test(arguments: [
        ("https://gw/mcp", true, true),
        ("https://gw/mcp/ops", true, true),
        ("https://gw/mcp/", true, false),
        ("https://gw/mcp", false, true),
        ("https://gw/mcpx", false, false),
        ("https://gw/mcp/ops", false, false),
        ("https://gw", false, false),
    ])
    func audiences(_ aud: String, _ defaulted: Bool, _ accepted: Bool) {
        let rules = defaulted ? Self.rules(audiences: [], resource: "https://gw/mcp") : Self.rules(audiences: ["https://gw/mcp"])
        let result = check(rules, Self.payload(["aud": .string(aud)]))
        #expect(result.isSuccess == accepted, "\(aud)")
    }

    /// A token minted for a virtual server's resource only is good for that virtual server
    /// only; one that also names the gateway's resource is good everywhere.
    @Test(arguments: [
        (["https://gw/mcp/ops"], Set(["ops"]) as Set<String>?),
        (["https://gw/mcp/ops", "https://gw/mcp/crm"], Set(["ops", "crm"])),
        (["https://gw/mcp/ops", "https://gw/mcp"], nil),
        (["https://gw/mcp"], nil),
    ])
    func virtualServerAudiencesLimitThePrincipal(_ aud: [String], _ expected: Set<String>?) throws {
        let rules = Self.rules(audiences: [], resource: "https://gw/mcp")
        let verified = try check(rules, Self.payload(["aud": .array(aud.map { .string($0) })])).get()
        #expect(verified.principal.virtualServers == expected)
    }

    @Test func aDeeperPathIsNoVirtualServer() {
        let rules = Self.rules(audiences: [], resource: "https://gw/mcp")
        #expect(check(rules, Self.payload(["aud": .string("https://gw/mcp/ops/x")])) == .failure(.wrongAudience))
    }

    @Test func aMissingPrincipalClaimIsNamed() {
        let rules = Self.rules(claims: JWTClaimMapping(principal: "email"))
        #expect(check(rules, Self.payload()) == .failure(.missingClaim("email")))
        #expect(check(rules, Self.payload(["email": .string("")])) == .failure(.missingClaim("email")))
    }

    @Test func everyRejectionHasAStableCodeAndStatus() {
        let table: [(TokenRejection, String, Int, String)] = [
            (.malformed, "malformed", 401, "invalid_token"),
            (.algorithmNotAllowed, "algorithm_not_allowed", 401, "invalid_token"),
            (.unknownKey, "unknown_key", 401, "invalid_token"),
            (.badSignature, "bad_signature", 401, "invalid_token"),
            (.expired, "expired", 401, "invalid_token"),
            (.notYetValid, "not_yet_valid", 401, "invalid_token"),
            (.wrongIssuer, "wrong_issuer", 401, "invalid_token"),
            (.wrongAudience, "wrong_audience", 401, "invalid_token"),
            (.missingClaim("sub"), "missing_claim", 401, "invalid_token"),
            (.jwksUnavailable, "jwks_unavailable", 401, "invalid_token"),
            (.insufficientScope(required: ["a"]), "insufficient_scope", 403, "insufficient_scope"),
        ]
        for (rejection, code, status, error) in table {
            #expect(rejection.code == code)
            #expect(rejection.httpStatus == status)
            #expect(rejection.oauthError == error)
            #expect(!rejection.message.contains("\""))
        }
    }
}
