import Foundation
import SwitchboardCore
import Testing

@testable import Switchboard

/// `servers.NAME.credentials` and `headers_from_files`: what loads, what is refused with the
/// key named, and that no secret is ever printed.
@Suite struct CredentialsConfigTests {
    static let secret = "sup3r-s3cret-value"
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-credentials-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "\(Self.secret)\n".write(toFile: folder + "/token", atomically: true, encoding: .utf8)
        try "\(Self.secret)".write(toFile: folder + "/client-secret", atomically: true, encoding: .utf8)
        try "   \n".write(toFile: folder + "/empty", atomically: true, encoding: .utf8)
        try "line one\nline two\n".write(toFile: folder + "/two-lines", atomically: true, encoding: .utf8)
    }

    func parse(_ servers: String, _ environment: [String: String] = [:]) throws(ConfigError) -> GatewayConfig {
        try ConfigLoader.parse(yaml: "servers:\n" + servers, path: folder + "/switchboard.yaml", environment: environment)
    }

    @Test func loadsEachKind() throws {
        let config = try parse(
            """
              files:
                url: http://127.0.0.1:9000/mcp
                headers: { X-Team: platform }
                headers_from_files: { X-Api-Key: token }
                credentials:
                  bearer_file: token
              crm:
                url: http://127.0.0.1:9001/mcp
                credentials:
                  oauth_client_credentials:
                    token_url: https://idp.example.com/oauth/token
                    client_id: switchboard
                    client_secret: ${CRM_CLIENT_SECRET}
                    scopes: [crm.read, crm.write]
                    resource: https://crm.internal/mcp
                    audience: https://crm.internal
                    auth_method: client_secret_post
              filed:
                sse: http://127.0.0.1:9002/sse
                credentials:
                  oauth_client_credentials: { token_url: "http://127.0.0.1:9003/token", client_id: sb, client_secret_file: client-secret }
              relay:
                url: http://127.0.0.1:9004/mcp
                credentials:
                  passthrough: { audience: "https://relay.internal/mcp" }
              plain:
                url: http://127.0.0.1:9005/mcp
                credentials:

            """,
            ["CRM_CLIENT_SECRET": Self.secret]
        )
        let servers = Dictionary(uniqueKeysWithValues: config.servers.map { ($0.name, $0) })
        #expect(servers["files"]?.headersFromFiles == [HTTPHeaderFileField(name: "X-Api-Key", path: folder + "/token")])
        #expect(servers["files"]?.credentials == .bearerFile(path: folder + "/token"))
        #expect(
            servers["crm"]?.credentials == .oauthClientCredentials(OAuthClientCredentialsConfig(
                tokenURL: WebURL(scheme: "https", host: "idp.example.com", port: 443, pathAndQuery: "/oauth/token"),
                clientID: "switchboard",
                clientSecret: .value(ConfigSecret(Self.secret)),
                scopes: ["crm.read", "crm.write"],
                resource: "https://crm.internal/mcp",
                audience: "https://crm.internal",
                authentication: .clientSecretPost
            ))
        )
        guard case .oauthClientCredentials(let filed)? = servers["filed"]?.credentials else {
            Issue.record("filed has no client credentials")
            return
        }
        #expect(filed.clientSecret == .file(path: folder + "/client-secret"))
        #expect(filed.authentication == .clientSecretBasic)
        #expect(filed.resource == nil)
        #expect(servers["relay"]?.credentials == .passthrough(audience: "https://relay.internal/mcp"))
        #expect(servers["plain"]?.credentials == nil)

        // Printing, reflecting or dumping the config shows no secret.
        #expect(!"\(config)".contains(Self.secret))
        #expect(!String(reflecting: config).contains(Self.secret))
        var dumped = ""
        dump(config, to: &dumped)
        #expect(!dumped.contains(Self.secret))
    }

    static let oauth = "      oauth_client_credentials: { token_url: \"https://idp.example.com/token\", client_id: sb, client_secret: x }\n"

    @Test(arguments: [
        (
            "  a:\n    url: http://h/mcp\n    credentials:\n      bearer_file: token\n      passthrough: { audience: x }\n",
            "switchboard.yaml:6: servers.a.credentials.passthrough: set at most one of bearer_file, oauth_client_credentials, passthrough, delegated or oauth; \"bearer_file\" is already set"
        ),
        (
            "  a:\n    url: http://h/mcp\n    credentials:\n      oauth_client_credentials: { client_id: sb, client_secret: x }\n",
            "switchboard.yaml:5: servers.a.credentials.oauth_client_credentials: missing required key \"token_url\""
        ),
        (
            "  a:\n    url: http://h/mcp\n    credentials:\n      oauth_client_credentials: { token_url: \"https://i/t\", client_id: sb, client_secret: x, client_secret_file: client-secret }\n",
            "switchboard.yaml:5: servers.a.credentials.oauth_client_credentials.client_secret_file: set client_secret or client_secret_file, not both"
        ),
        (
            "  a:\n    url: http://h/mcp\n    credentials:\n      oauth_client_credentials: { token_url: \"https://i/t\", client_id: sb }\n",
            "switchboard.yaml:5: servers.a.credentials.oauth_client_credentials: missing the client secret"
        ),
        (
            "  a:\n    url: http://h/mcp\n    credentials:\n      oauth_client_credentials: { token_url: \"https://i/t\", client_id: sb, client_secret: x, auth_method: private_key_jwt }\n",
            "switchboard.yaml:5: servers.a.credentials.oauth_client_credentials.auth_method: expected one of client_secret_basic, client_secret_post"
        ),
        (
            "  a:\n    url: http://h/mcp\n    credentials:\n      passthrough: {}\n",
            "switchboard.yaml:5: servers.a.credentials.passthrough: missing required key \"audience\""
        ),
        (
            "  a:\n    url: http://h/mcp\n    credentials:\n      bearer: token\n",
            "switchboard.yaml:5: servers.a.credentials.bearer: unknown key; expected one of bearer_file, oauth_client_credentials, passthrough"
        ),
        (
            "  a:\n    stdio: { command: x }\n    credentials:\n      bearer_file: token\n",
            "switchboard.yaml:4: servers.a.credentials: credentials apply to url, sse and openapi servers"
        ),
        (
            "  a:\n    stdio: { command: x }\n    headers_from_files: { X-Key: token }\n",
            "switchboard.yaml:4: servers.a.headers_from_files: headers_from_files apply to url, sse and openapi servers"
        ),
        (
            "  a:\n    url: http://h/mcp\n    headers: { authorization: \"Bearer x\" }\n    credentials:\n" + oauth,
            "switchboard.yaml:5: servers.a.credentials: credentials set the Authorization header, and \"authorization\" is set too"
        ),
        (
            "  a:\n    url: http://h/mcp\n    headers: { X-Key: a }\n    headers_from_files: { x-key: token }\n",
            "switchboard.yaml:5: servers.a.headers_from_files.x-key: \"X-Key\" is already set under headers"
        ),
        (
            "  a:\n    url: http://h/mcp\n    headers_from_files: { Mcp-Session-Id: token }\n",
            "switchboard.yaml:4: servers.a.headers_from_files.Mcp-Session-Id: this header is set by the gateway"
        ),
    ])
    func rejectsWithFileLineAndKey(_ servers: String, _ prefix: String) {
        do {
            _ = try ConfigLoader.parse(yaml: "servers:\n" + servers, path: "switchboard.yaml", environment: [:])
            Issue.record("expected an error for \(servers)")
        } catch {
            #expect(error.description.hasPrefix(prefix), "\(error)")
        }
    }

    /// Files are checked at load; the message names the key and the path, never the content.
    @Test(arguments: [
        ("credentials:\n      bearer_file: missing", "servers.a.credentials.bearer_file", "does not exist"),
        ("credentials:\n      bearer_file: empty", "servers.a.credentials.bearer_file", "is empty"),
        ("credentials:\n      bearer_file: two-lines", "servers.a.credentials.bearer_file", "holds a line break"),
        ("headers_from_files: { X-Key: missing }", "servers.a.headers_from_files.X-Key", "does not exist"),
        (
            "credentials:\n      oauth_client_credentials: { token_url: \"https://i/t\", client_id: sb, client_secret_file: missing }",
            "servers.a.credentials.oauth_client_credentials.client_secret_file", "does not exist"
        ),
    ])
    func secretFilesAreCheckedAtLoad(_ key: String, _ keyPath: String, _ problem: String) {
        do {
            _ = try parse("  a:\n    url: http://h/mcp\n    \(key)\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.keyPath == keyPath)
            #expect(error.message.contains(folder), "names the path: \(error)")
            #expect(error.message.contains(problem), "\(error)")
            #expect(!error.description.contains("line one"))
        }
    }

    @Test func aSecretFromTheEnvironmentIsNeverQuoted() {
        do {
            _ = try parse(
                "  a:\n    url: http://h/mcp\n    credentials:\n      oauth_client_credentials: { token_url: \"${URL}\", client_id: sb, client_secret: \"${S}\" }\n",
                ["URL": "ftp://\(Self.secret)", "S": Self.secret]
            )
            Issue.record("expected an error")
        } catch {
            #expect(error.keyPath == "servers.a.credentials.oauth_client_credentials.token_url")
            #expect(!error.description.contains(Self.secret), "\(error)")
        }
    }

    /// The schema describes exactly the keys the loader accepts under `credentials`.
    @Test(arguments: [
        (["$defs", "server", "properties", "credentials"], ConfigLoader.credentialsKeys),
        (["$defs", "server", "properties", "credentials", "properties", "oauth_client_credentials"], ConfigLoader.oauthClientCredentialsKeys),
        (["$defs", "server", "properties", "credentials", "properties", "passthrough"], ConfigLoader.passthroughKeys),
    ])
    func schemaMatchesTheLoaderKeys(_ path: [String], _ keys: [String]) throws {
        let data = try Data(contentsOf: RepositoryFiles.url("docs/config.schema.json"))
        var current: Any? = try JSONSerialization.jsonObject(with: data)
        for component in path { current = (current as? [String: Any])?[component] }
        let object = try #require(current as? [String: Any])
        let properties = try #require(object["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(keys))
        #expect(object["additionalProperties"] as? Bool == false)
    }
}
