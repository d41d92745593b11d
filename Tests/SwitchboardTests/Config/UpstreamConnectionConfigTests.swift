import SwitchboardCore
import Testing

@testable import Switchboard

/// `servers.NAME.tls` and `servers.NAME.proxy`: https URLs, defaults, paths beside the config,
/// and every refusal naming line and key (no credential ever quoted back).
@Suite struct UpstreamConnectionConfigTests {
    static let file = "/etc/switchboard/switchboard.yaml"

    func parse(_ yaml: String) throws(ConfigError) -> GatewayConfig {
        try ConfigLoader.parse(yaml: yaml, path: Self.file, environment: [:])
    }

    func server(_ yaml: String) throws -> ServerConfig {
        try #require(try parse("servers:\n  crm:\n" + yaml).servers.first)
    }

    @Test func httpsURLsDefaultToPort443AndVerification() throws {
        let crm = try server("    url: https://crm.example.com/mcp\n")
        #expect(crm.transport == .streamableHTTP(HTTPEndpoint(scheme: "https", host: "crm.example.com", port: 443, pathAndQuery: "/mcp")))
        #expect(crm.tls == UpstreamTLSConfig())
        #expect(crm.proxy == .environment)
        let old = try server("    sse: HTTPS://old.example.com:8443/sse\n")
        #expect(old.transport == .sse(HTTPEndpoint(scheme: "https", host: "old.example.com", port: 8443, pathAndQuery: "/sse")))
    }

    @Test func fullTLSAndProxy() throws {
        let crm = try server("""
                url: https://10.0.0.5/mcp
                tls:
                  ca_file: tls/corp-ca.pem
                  client_certificate: /run/tls/gateway.pem
                  client_key: /run/tls/gateway.key
                  server_name: crm.internal
                  min_version: "1.3"
                proxy:
                  url: http://proxy.internal:3128
                  credentials_file: proxy-credentials

            """)
        #expect(crm.tls == UpstreamTLSConfig(
            caFile: "/etc/switchboard/tls/corp-ca.pem", clientCertificate: "/run/tls/gateway.pem", clientKey: "/run/tls/gateway.key",
            serverName: "crm.internal", minimumVersion: .tls13
        ))
        #expect(crm.proxy == .explicit(ProxyAddress(host: "proxy.internal", port: 3128), credentialsFile: "/etc/switchboard/proxy-credentials"))
        #expect(try server("    url: http://a/mcp\n    proxy: none\n").proxy == .direct)
        #expect(try server("    url: http://a/mcp\n    proxy: http://[fd00::1]:8080\n").proxy == .explicit(ProxyAddress(host: "fd00::1", port: 8080), credentialsFile: nil))
        #expect(try server("    url: https://a/mcp\n    tls: {insecure_skip_verify: true}\n").tls.insecureSkipVerify)
    }

    static let https = "servers:\n  crm:\n    url: https://crm/mcp\n"

    static let refusals: [(yaml: String, prefix: String)] = [
        ("servers:\n  crm:\n    url: http://crm/mcp\n    tls: {ca_file: /ca.pem}\n", "\(file):4: servers.crm.tls: tls applies to https:// servers"),
        ("servers:\n  crm:\n    stdio: {command: x}\n    proxy: none\n", "\(file):4: servers.crm.proxy: proxy applies to url, sse and openapi servers"),
        (https + "    tls: {client_certificate: /a.pem}\n", "\(file):4: servers.crm.tls.client_certificate: client_certificate needs client_key"),
        (https + "    tls: {client_key: /a.key}\n", "\(file):4: servers.crm.tls.client_key: client_key needs client_certificate"),
        (https + "    tls: {server_name: \"https://x\"}\n", "\(file):4: servers.crm.tls.server_name: expected a host name"),
        (https + "    tls: {min_version: \"1.0\"}\n", "\(file):4: servers.crm.tls.min_version: expected one of 1.2, 1.3"),
        (https + "    tls: {insecure_skip_verify: true, ca_file: /ca.pem}\n", "\(file):4: servers.crm.tls.ca_file: insecure_skip_verify checks nothing"),
        (https + "    tls: {verify: false}\n", "\(file):4: servers.crm.tls.verify: unknown key"),
        (https + "    proxy: https://proxy:3128\n", "\(file):4: servers.crm.proxy: a proxy is reached over plain http://"),
        (https + "    proxy: http://proxy:3128/path\n", "\(file):4: servers.crm.proxy: a proxy URL has no path"),
        (https + "    proxy: {credentials_file: /p}\n", "\(file):4: servers.crm.proxy: missing required key \"url\""),
        (https + "    proxy: {url: http://proxy:3128, user: x}\n", "\(file):4: servers.crm.proxy.user: unknown key"),
    ]

    @Test(arguments: refusals + oauthRefusals)
    func rejectsWithFileLineAndKey(_ yaml: String, _ prefix: String) {
        do {
            _ = try parse(yaml)
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect(error.description.hasPrefix(prefix), "\(error)")
        }
    }

    @Test func proxyCredentialsInTheURLAreRefusedUnquoted() {
        do {
            _ = try parse(Self.https + "    proxy: http://alice:s3cret@proxy:3128\n")
            Issue.record("accepted credentials in a proxy URL")
        } catch {
            #expect(error.description.contains("proxy.credentials_file"), "\(error)")
            #expect(!error.description.contains("s3cret"), "the secret is quoted back: \(error)")
        }
    }

    static let seal = "sessions:\n  seal_keys: [\"a seal key for the oauth config tests, 32+\"]\n"

    @Test func oauthCredentialsAndPublicURL() throws {
        let config = try parse(Self.seal + """
            public_url: https://gateway.example.com
            servers:
              linear:
                url: https://mcp.linear.app/mcp
                credentials:
                  oauth: {}
              crm:
                url: https://crm.internal/mcp
                credentials:
                  oauth:
                    scopes: [crm.read]
                    client_id: switchboard
                    client_secret: s3cret
                    authorization_server: https://login.internal/realms/corp
                    resource: https://crm.internal/mcp

            """)
        #expect(config.publicURL == WebURL(scheme: "https", host: "gateway.example.com", port: 443, pathAndQuery: "/"))
        #expect(config.servers[0].credentials == .oauth(OAuthAuthorizationConfig()))
        #expect(config.servers[1].credentials == .oauth(OAuthAuthorizationConfig(
            scopes: ["crm.read"], clientID: "switchboard", clientSecret: .value(ConfigSecret("s3cret")),
            authorizationServer: WebURL(scheme: "https", host: "login.internal", port: 443, pathAndQuery: "/realms/corp"), resource: "https://crm.internal/mcp"
        )))
    }

    static let oauthRefusals: [(yaml: String, prefix: String)] = [
        (seal + https + "    credentials:\n      oauth: {client_secret: x}\n", "\(file):7: servers.crm.credentials.oauth.client_secret: a client secret needs the client_id"),
        (seal + https + "    credentials:\n      oauth: {authorization_server: http://idp.example.com}\n", "\(file):7: servers.crm.credentials.oauth.authorization_server: must be https://"),
        (seal + https + "    credentials:\n      oauth: {mode: personal}\n", "\(file):7: servers.crm.credentials.oauth.mode: expected one of shared, per_user"),
        ("public_url: https://gateway.example.com/mcp\n", "\(file):1: public_url: public_url is an origin"),
        ("public_url: gateway.example.com\n", "\(file):1: public_url: expected an https:// or http:// URL"),
    ]
}
