import SwitchboardCore
import Testing

@testable import Switchboard

/// `auth`: defaults, a full example, and every refusal naming line and key.
@Suite struct AuthConfigTests {
    func parse(_ yaml: String, _ environment: [String: String] = [:]) throws(ConfigError) -> GatewayConfig {
        try ConfigLoader.parse(yaml: yaml, path: "switchboard.yaml", environment: environment)
    }

    @Test func defaults() throws {
        #expect(try parse("").auth == nil)
        let auth = try #require(try parse("auth:\n").auth)
        #expect(auth.anonymous == false)
        #expect(auth.apiKeys == true)
        #expect(auth.jwt == nil)
        #expect(auth.effectiveAuthorizationServers.isEmpty)

        let jwt = try #require(try parse("""
            auth:
              resource: https://gw.example.com/mcp
              jwt:
                issuer: https://idp.example.com/
                jwks_url: https://idp.example.com/jwks.json
            """).auth?.jwt)
        #expect(jwt.audiences.isEmpty)
        #expect(jwt.algorithms == [.rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .es256, .es384, .edDSA])
        #expect(jwt.clockSkew == .seconds(60))
        #expect(jwt.refreshInterval == .seconds(900))
        #expect(jwt.minRefreshInterval == .seconds(30))
        #expect(jwt.claims == JWTClaimMapping(principal: "sub", roles: "roles", tenant: "tenant", scopes: "scope"))
        #expect(jwt.requiredScopes.isEmpty)
        #expect(jwt.jwksURL == WebURL(scheme: "https", host: "idp.example.com", port: 443, pathAndQuery: "/jwks.json"))
    }

    @Test func fullExample() throws {
        let yaml = """
            auth:
              anonymous: false
              anonymous_roles: [guest]
              anonymous_tenant: public
              api_keys: true
              jwt:
                issuer: https://idp.example.com/
                jwks_url: ${JWKS_URL}
                audiences: [https://gw.example.com/mcp]
                algorithms: [RS256, ES256]
                clock_skew: 30s
                refresh_interval: 10m
                min_refresh_interval: 1m
                claims:
                  principal: email
                  roles: realm_access.roles
                  tenant: org
                  scopes: scp
                required_scopes: [mcp]
              resource: https://gw.example.com/mcp
              authorization_servers: [https://idp.example.com/]
              scopes_supported: [mcp, "tools:read"]
            """
        let auth = try #require(try parse(yaml, ["JWKS_URL": "http://127.0.0.1:9000/jwks"]).auth)
        #expect(auth == AuthConfig(
            anonymous: false,
            anonymousRoles: ["guest"],
            anonymousTenant: "public",
            apiKeys: true,
            jwt: JWTConfig(
                issuer: "https://idp.example.com/",
                jwksURL: WebURL(scheme: "http", host: "127.0.0.1", port: 9000, pathAndQuery: "/jwks"),
                audiences: ["https://gw.example.com/mcp"],
                algorithms: [.rs256, .es256],
                clockSkew: .seconds(30),
                refreshInterval: .seconds(600),
                minRefreshInterval: .seconds(60),
                claims: JWTClaimMapping(principal: "email", roles: "realm_access.roles", tenant: "org", scopes: "scp"),
                requiredScopes: ["mcp"]
            ),
            resource: "https://gw.example.com/mcp",
            authorizationServers: ["https://idp.example.com/"],
            scopesSupported: ["mcp", "tools:read"]
        ))
    }

    @Test func zeroSkewIsAllowed() throws {
        let yaml = "auth:\n  jwt:\n    issuer: https://idp/\n    jwks_url: https://idp/jwks\n    audiences: [gw]\n    clock_skew: 0s\n"
        #expect(try parse(yaml).auth?.jwt?.clockSkew == .zero)
    }

    static let jwtHead = "auth:\n  jwt:\n    issuer: https://idp/\n    jwks_url: https://idp/jwks\n    audiences: [gw]\n"

    @Test(arguments: [
        (jwtHead + "    algorithms: [RS256, none]\n", "switchboard.yaml:6: auth.jwt.algorithms[1]: \"none\" is never accepted"),
        (jwtHead + "    algorithms: [HS256]\n", "switchboard.yaml:6: auth.jwt.algorithms[0]: HMAC algorithms are refused"),
        (jwtHead + "    algorithms: [RS257]\n", "switchboard.yaml:6: auth.jwt.algorithms[0]: expected one of RS256"),
        (jwtHead + "    algorithms: []\n", "switchboard.yaml:6: auth.jwt.algorithms: list at least one algorithm"),
        ("auth:\n  jwt:\n    jwks_url: https://idp/jwks\n    audiences: [gw]\n", "switchboard.yaml:2: auth.jwt: missing required key \"issuer\""),
        ("auth:\n  jwt:\n    issuer: https://idp/\n    audiences: [gw]\n", "switchboard.yaml:2: auth.jwt: missing required key \"jwks_url\""),
        ("auth:\n  jwt:\n", "switchboard.yaml:2: auth.jwt: missing required keys"),
        ("auth:\n  jwt:\n    issuer: https://idp/\n    jwks_url: idp/jwks\n    audiences: [gw]\n", "switchboard.yaml:4: auth.jwt.jwks_url: expected an https:// or http:// URL"),
        ("auth:\n  jwt:\n    issuer: https://idp/\n    jwks_url: ftp://idp/jwks\n    audiences: [gw]\n", "switchboard.yaml:4: auth.jwt.jwks_url: expected an https:// or http:// URL"),
        ("auth:\n  jwt:\n    issuer: https://idp/\n    jwks_url: https://u:p@idp/jwks\n    audiences: [gw]\n", "switchboard.yaml:4: auth.jwt.jwks_url: credentials in the URL are not supported"),
        ("auth:\n  jwt:\n    issuer: idp\n    jwks_url: https://idp/jwks\n    audiences: [gw]\n", "switchboard.yaml:3: auth.jwt.issuer: expected an https:// or http:// URL"),
        (jwtHead + "    clock_skew: 6m\n", "switchboard.yaml:6: auth.jwt.clock_skew: must be at most 5m"),
        (jwtHead + "    clock_skew: -1s\n", "switchboard.yaml:6: auth.jwt.clock_skew: must not be negative"),
        (jwtHead + "    refresh_interval: 0s\n", "switchboard.yaml:6: auth.jwt.refresh_interval: must be longer than zero"),
        (jwtHead + "    refresh_interval: 10s\n", "switchboard.yaml:6: auth.jwt.refresh_interval: min_refresh_interval (30s) must not be longer than refresh_interval (10s)"),
        (jwtHead + "    issuers: x\n", "switchboard.yaml:6: auth.jwt.issuers: unknown key, did you mean \"issuer\"?"),
        (jwtHead + "    claims:\n      role: groups\n", "switchboard.yaml:7: auth.jwt.claims.role: unknown key, did you mean \"roles\"?"),
        (jwtHead + "    required_scopes: [\"a b\"]\n", "switchboard.yaml:6: auth.jwt.required_scopes[0]: a scope is printable ASCII"),
        ("auth:\n  jwt:\n    issuer: https://idp/\n    jwks_url: https://idp/jwks\n", "switchboard.yaml:2: auth.jwt: set audiences"),
        ("auth:\n  anonymous: maybe\n", "switchboard.yaml:2: auth.anonymous: expected true or false"),
        ("auth:\n  resource: https://gw/mcp#top\n", "switchboard.yaml:2: auth.resource: a URL fragment"),
        ("auth:\n  authorization_servers: [idp]\n", "switchboard.yaml:2: auth.authorization_servers[0]: expected an https:// or http:// URL"),
        ("auth:\n  apikeys: true\n", "switchboard.yaml:2: auth.apikeys: unknown key, did you mean \"api_keys\"?"),
    ])
    func rejectsWithFileLineAndKey(_ yaml: String, _ prefix: String) {
        do {
            _ = try parse(yaml)
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect(error.description.hasPrefix(prefix), "\(error)")
        }
    }

    @Test func credentialsInTheJWKSURLAreNotEchoed() {
        do {
            _ = try parse("auth:\n  jwt:\n    issuer: https://idp/\n    jwks_url: https://user:hunter2@idp/jwks\n    audiences: [gw]\n")
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }
}
