import Foundation
import SwitchboardCore

/// `servers.NAME.headers_from_files` and `servers.NAME.credentials`: what the gateway presents
/// to an HTTP server as itself. Secret files are read once here so that a wrong path stops
/// the start, not the first call; messages name the key and the path, never the content.
extension ConfigLoader {
    static func decodeHeaderFiles(_ node: ConfigNode, besides headers: [HTTPHeaderField]) throws(ConfigError) -> [HTTPHeaderFileField] {
        var fields: [HTTPHeaderFileField] = []
        for entry in try ConfigMapping(node).entries {
            if let earlier = headers.first(where: { $0.name.lowercased() == entry.key.lowercased() }) {
                throw entry.value.error(
                    "\"\(earlier.name)\" is already set under headers (header names ignore case)", code: .duplicateKey, atKey: true
                )
            }
            try checkHeaderName(entry.key, of: entry.value, taken: fields.map(\.name))
            fields.append(HTTPHeaderFileField(name: entry.key, path: try decodeSecretFile(entry.value)))
        }
        return fields
    }

    /// At most one kind. `server` is the server decoded so far (transport, headers).
    static func decodeCredentials(_ node: ConfigNode, server: ServerConfig) throws(ConfigError) -> ServerCredentialsConfig? {
        if case .stdio = server.transport {
            throw node.error("credentials apply to url, sse and openapi servers; give a stdio server its secrets with stdio.env", atKey: true)
        }
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: credentialsKeys)
        let kinds = section.entries
        guard let chosen = kinds.first else { return nil }
        if kinds.count > 1 {
            throw kinds[1].value.error(
                "set at most one of bearer_file, oauth_client_credentials, passthrough, delegated or oauth; \"\(chosen.key)\" is already set",
                atKey: true
            )
        }
        let authorization = server.headers.map(\.name) + server.headersFromFiles.map(\.name)
        if let name = authorization.first(where: { $0.lowercased() == "authorization" }) {
            throw node.error(
                "credentials set the Authorization header, and \"\(name)\" is set too under headers or headers_from_files; keep one",
                atKey: true
            )
        }
        switch chosen.key {
        case "bearer_file":
            return .bearerFile(path: try decodeSecretFile(chosen.value))
        case "oauth_client_credentials":
            return .oauthClientCredentials(try decodeOAuthClientCredentials(chosen.value))
        case "delegated":
            // Nothing to configure yet: the tokens live in the store. `{}` and nothing both do.
            try ConfigMapping(chosen.value).rejectUnknownKeys(allowed: delegatedKeys) { _ in
                "delegated takes no keys; each caller's token is set with `switchboard credentials set` or the admin API"
            }
            return .delegated
        case "oauth":
            return .oauth(try decodeOAuth(chosen.value))
        default:
            return .passthrough(audience: try decodePassthrough(chosen.value))
        }
    }

    static func decodeOAuthClientCredentials(_ node: ConfigNode) throws(ConfigError) -> OAuthClientCredentialsConfig {
        if node.isNull {
            throw node.error("missing required keys \"token_url\", \"client_id\" and client_secret or client_secret_file", code: .missingKey, atKey: true)
        }
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: oauthClientCredentialsKeys)
        guard let tokenURL = section["token_url"] else {
            throw node.error("missing required key \"token_url\" (the authorization server's token endpoint)", code: .missingKey, atKey: true)
        }
        guard let clientID = section["client_id"] else {
            throw node.error("missing required key \"client_id\"", code: .missingKey, atKey: true)
        }
        let secret: SecretSource
        switch (section["client_secret"], section["client_secret_file"]) {
        case (let value?, nil):
            secret = .value(ConfigSecret(try value.string()))
        case (nil, let file?):
            secret = .file(path: try decodeSecretFile(file))
        case (.some, let file?):
            throw file.error("set client_secret or client_secret_file, not both", atKey: true)
        case (nil, nil):
            throw node.error(
                "missing the client secret: set client_secret (e.g. ${CLIENT_SECRET}) or client_secret_file", code: .missingKey, atKey: true
            )
        }
        var config = OAuthClientCredentialsConfig(
            tokenURL: try tokenURL.parsed(WebURLSyntax.parseFetched), clientID: try clientID.string(), clientSecret: secret
        )
        if let value = section["scopes"] { config.scopes = try decodeScopes(value) }
        if let value = section["resource"] { config.resource = try decodeURLText(value) }
        if let value = section["audience"] { config.audience = try value.string() }
        if let value = section["auth_method"] {
            let text = try value.string()
            guard let method = OAuthClientCredentialsConfig.ClientAuthentication(rawValue: text) else {
                let known = OAuthClientCredentialsConfig.ClientAuthentication.allCases.map(\.rawValue).joined(separator: ", ")
                throw value.error("expected one of \(known), got \"\(text)\"")
            }
            config.authentication = method
        }
        return config
    }

    static func decodeOAuth(_ node: ConfigNode) throws(ConfigError) -> OAuthAuthorizationConfig {
        var config = OAuthAuthorizationConfig()
        if node.isNull { return config }
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: oauthKeys)
        if let value = section["mode"] { config.mode = try decodeChoice(value, OAuthAuthorizationConfig.Mode.self) }
        if let value = section["scopes"] { config.scopes = try decodeScopes(value) }
        if let value = section["client_id"] { config.clientID = try value.string() }
        switch (section["client_secret"], section["client_secret_file"]) {
        case (let value?, nil): config.clientSecret = .value(ConfigSecret(try value.string()))
        case (nil, let file?): config.clientSecret = .file(path: try decodeSecretFile(file))
        case (.some, let file?): throw file.error("set client_secret or client_secret_file, not both", atKey: true)
        case (nil, nil): break
        }
        if config.clientSecret != nil, config.clientID == nil, let key = section["client_secret"] ?? section["client_secret_file"] {
            throw key.error("a client secret needs the client_id it belongs to", atKey: true)
        }
        if let value = section["authorization_server"] { config.authorizationServer = try value.parsed(WebURLSyntax.parseFetched) }
        if let value = section["resource"] { config.resource = try decodeURLText(value) }
        return config
    }

    static func decodePassthrough(_ node: ConfigNode) throws(ConfigError) -> String {
        if node.isNull {
            throw node.error("missing required key \"audience\" (the aud a caller's token must name)", code: .missingKey, atKey: true)
        }
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: passthroughKeys)
        guard let audience = section["audience"] else {
            throw node.error("missing required key \"audience\" (the aud a caller's token must name)", code: .missingKey, atKey: true)
        }
        return try audience.string()
    }

    /// A file holding one secret: made absolute against the config's folder and read once.
    static func decodeSecretFile(_ node: ConfigNode) throws(ConfigError) -> String {
        let scalar = try node.scalar()
        guard !scalar.text.isEmpty else { throw scalar.error("expected the path of a file") }
        let path = node.source.resolve(scalar.text)
        if let problem = secretFileProblem(path) { throw node.error(problem) }
        return path
    }

    /// What is wrong with a secret file, naming its path and never its content.
    static func secretFileProblem(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "\(path) does not exist" }
        guard !isDirectory.boolValue else { return "\(path) is a directory, not a file" }
        guard let data = FileManager.default.contents(atPath: path) else { return "\(path) cannot be read (check its permissions)" }
        guard let text = String(data: data, encoding: .utf8) else { return "\(path) is not UTF-8 text" }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { return "\(path) is empty" }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return "\(path) holds a line break or control character inside its value; it must hold one value"
        }
        return nil
    }
}
