import SwitchboardCore

/// `console`: the web console, and its single sign-on through the provider `auth.jwt` trusts.
extension ConfigLoader {
    static func decodeConsole(_ node: ConfigNode, auth: AuthConfig?) throws(ConfigError) -> ConsoleConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: consoleKeys)
        var console = ConsoleConfig()
        if let value = section["enabled"] { console.enabled = try value.bool() }
        if let value = section["oidc"] { console.oidc = try decodeConsoleOIDC(value, auth: auth) }
        return console
    }

    /// The token the console gets is checked as a bearer JWT like any caller's, so the
    /// provider must be the one `auth.jwt` trusts; its issuer is the default.
    static func decodeConsoleOIDC(_ node: ConfigNode, auth: AuthConfig?) throws(ConfigError) -> ConsoleConfig.OIDC {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: consoleOIDCKeys)
        guard let jwt = auth?.jwt else {
            throw node.error("console sign-in needs auth.jwt: the console's token is checked like any caller's bearer token", atKey: true)
        }
        guard let clientID = section["client_id"] else {
            throw node.error("missing required key \"client_id\" (the console's registration at the provider)", code: .missingKey, atKey: true)
        }
        let id = try clientID.string()
        guard !id.isEmpty else { throw clientID.error("client_id is empty") }
        var oidc = ConsoleConfig.OIDC(issuer: jwt.issuer, clientID: id)
        if let value = section["issuer"] { oidc.issuer = try decodeURLText(value) }
        if let value = section["client_secret"] { oidc.clientSecret = ConfigSecret(try value.string()) }
        if let value = section["scopes"] { oidc.scopes = try decodeScopes(value) }
        if let value = section["name"] { oidc.name = try value.string() }
        return oidc
    }
}
