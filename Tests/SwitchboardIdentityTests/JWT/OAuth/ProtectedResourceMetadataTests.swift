import SwitchboardCore
import Testing

@testable import SwitchboardIdentity

@Suite struct ProtectedResourceMetadataTests {
    static let origin = RequestOrigin(scheme: "http", host: "localhost:8080")

    @Test(arguments: [
        ("/mcp", "/.well-known/oauth-protected-resource/mcp"),
        ("/mcp/ops", "/.well-known/oauth-protected-resource/mcp/ops"),
        ("/", "/.well-known/oauth-protected-resource"),
    ])
    func wellKnownPathsFollowRFC9728(_ mcpPath: String, _ metadataPath: String) {
        #expect(ProtectedResourceMetadata.metadataPath(forMCPPath: mcpPath) == metadataPath)
        #expect(ProtectedResourceMetadata.mcpPath(forMetadataPath: Substring(metadataPath)) == mcpPath)
    }

    @Test func otherPathsAreNotMetadata() {
        #expect(ProtectedResourceMetadata.mcpPath(forMetadataPath: "/.well-known/oauth-protected-resourcex") == nil)
        #expect(ProtectedResourceMetadata.mcpPath(forMetadataPath: "/mcp") == nil)
    }

    @Test func theConfiguredResourceNamesMCPAndItsVirtualServers() {
        let metadata = ProtectedResourceMetadata(
            resource: "https://gw.example.com/mcp", authorizationServers: ["https://idp.example.com/"], scopesSupported: ["mcp"]
        )
        #expect(metadata.resource(forMCPPath: "/mcp", origin: Self.origin) == "https://gw.example.com/mcp")
        #expect(metadata.resource(forMCPPath: "/mcp/ops", origin: Self.origin) == "https://gw.example.com/mcp/ops")
        #expect(metadata.metadataURL(forMCPPath: "/mcp", origin: Self.origin) == "https://gw.example.com/.well-known/oauth-protected-resource/mcp")
        #expect(metadata.metadataURL(forMCPPath: "/mcp/ops", origin: Self.origin) == "https://gw.example.com/.well-known/oauth-protected-resource/mcp/ops")
        #expect(metadata.document(forMCPPath: "/mcp/ops", origin: Self.origin) == #"{"resource":"https://gw.example.com/mcp/ops","authorization_servers":["https://idp.example.com/"],"scopes_supported":["mcp"],"bearer_methods_supported":["header"],"resource_name":"Switchboard"}"#)
    }

    /// Behind a proxy at another path, the metadata URL follows the resource, not the gateway.
    @Test func aResourceUnderAnotherPathOrAtTheRoot() {
        let proxied = ProtectedResourceMetadata(resource: "https://example.com:8443/tools/mcp", authorizationServers: [], scopesSupported: [])
        #expect(proxied.metadataURL(forMCPPath: "/mcp", origin: Self.origin) == "https://example.com:8443/.well-known/oauth-protected-resource/tools/mcp")
        let root = ProtectedResourceMetadata(resource: "https://gw.example.com/", authorizationServers: [], scopesSupported: [])
        #expect(root.metadataURL(forMCPPath: "/mcp", origin: Self.origin) == "https://gw.example.com/.well-known/oauth-protected-resource")
        #expect(root.resource(forMCPPath: "/mcp/ops", origin: Self.origin) == "https://gw.example.com/ops")
    }

    @Test func withoutAResourceTheRequestNamesIt() {
        let metadata = ProtectedResourceMetadata(config: AuthConfig())
        let origin = RequestOrigin(host: "GW.example.com:8080", isTLS: false, forwardedProto: "https, http")
        #expect(origin == RequestOrigin(scheme: "https", host: "gw.example.com:8080"))
        #expect(metadata.metadataURL(forMCPPath: "/mcp", origin: origin) == "https://gw.example.com:8080/.well-known/oauth-protected-resource/mcp")
        #expect(metadata.document(forMCPPath: "/mcp", origin: origin) == #"{"resource":"https://gw.example.com:8080/mcp","bearer_methods_supported":["header"],"resource_name":"Switchboard"}"#)
    }

    @Test func authorizationServersDefaultToTheIssuer() {
        let jwt = JWTConfig(
            issuer: "https://idp.example.com/", jwksURL: WebURL(scheme: "https", host: "idp.example.com", port: 443, pathAndQuery: "/jwks"),
            audiences: ["a"]
        )
        #expect(ProtectedResourceMetadata(config: AuthConfig(jwt: jwt)).authorizationServers == ["https://idp.example.com/"])
        let explicit = AuthConfig(jwt: jwt, authorizationServers: ["https://other/"])
        #expect(ProtectedResourceMetadata(config: explicit).authorizationServers == ["https://other/"])
    }

    @Test(arguments: [
        (nil, false, nil, "http", "localhost"),
        ("gw:80", true, nil, "https", "gw:80"),
        ("[::1]:8080", false, "HTTPS", "https", "[::1]:8080"),
        ("evil\"host", false, "ftp", "http", "localhost"),
        ("a\r\nX-Injected: 1", false, nil, "http", "localhost"),
        ("", false, nil, "http", "localhost"),
    ] as [(String?, Bool, String?, String, String)])
    func requestOrigins(_ host: String?, _ tls: Bool, _ proto: String?, _ scheme: String, _ expectedHost: String) {
        #expect(RequestOrigin(host: host, isTLS: tls, forwardedProto: proto) == RequestOrigin(scheme: scheme, host: expectedHost))
    }
}
