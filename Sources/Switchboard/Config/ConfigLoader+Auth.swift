import SwitchboardCore

/// `auth`: anonymous access, API keys, JWT bearer tokens, and the OAuth metadata that tells
/// clients where to get a token.
extension ConfigLoader {
    static func decodeAuth(_ node: ConfigNode) throws(ConfigError) -> AuthConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: authKeys)
        var auth = AuthConfig()
        if let value = section["anonymous"] { auth.anonymous = try value.bool() }
        if let value = section["anonymous_roles"] { auth.anonymousRoles = try decodeNames(value) }
        if let value = section["anonymous_tenant"] { auth.anonymousTenant = try value.string() }
        if let value = section["api_keys"] { auth.apiKeys = try value.bool() }
        if let value = section["admin_roles"] {
            auth.adminRoles = try decodeNames(value)
        }
        if let value = section["resource"] { auth.resource = try decodeURLText(value) }
        if let value = section["authorization_servers"] {
            auth.authorizationServers = try value.sequence().map { element throws(ConfigError) in try decodeURLText(element) }
        }
        if let value = section["scopes_supported"] { auth.scopesSupported = try decodeScopes(value) }
        if let value = section["certificates"] { auth.certificates = try decodeCertificateIdentity(value) }
        if let value = section["jwt"] {
            let jwt = try decodeJWT(value)
            // Deriving the audience from the request would let a caller choose it with the
            // Host header, and so accept tokens minted for any other service.
            if jwt.audiences.isEmpty, auth.resource == nil {
                throw value.error(
                    "set audiences (the token's aud must name one), or auth.resource, which is then the audience",
                    code: .missingKey, atKey: true
                )
            }
            auth.jwt = jwt
        }
        // Anyone may be anonymous: an admin role there would open the admin API to all.
        if auth.anonymous, let overlap = auth.anonymousRoles.first(where: auth.adminRoles.contains) {
            let node = section["anonymous_roles"] ?? section["anonymous"] ?? node
            throw node.error("\"\(overlap)\" is an admin role (admin_roles): anonymous callers would get the admin API", atKey: true)
        }
        return auth
    }

    static func decodeJWT(_ node: ConfigNode) throws(ConfigError) -> JWTConfig {
        if node.isNull { throw node.error("missing required keys \"issuer\" and \"jwks_url\"", code: .missingKey, atKey: true) }
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: jwtKeys)
        guard let issuerNode = section["issuer"] else {
            throw node.error("missing required key \"issuer\" (the token's iss, exactly)", code: .missingKey, atKey: true)
        }
        guard let jwksNode = section["jwks_url"] else {
            throw node.error("missing required key \"jwks_url\" (the provider's jwks_uri)", code: .missingKey, atKey: true)
        }
        var jwt = JWTConfig(issuer: try decodeURLText(issuerNode), jwksURL: try jwksNode.parsed(WebURLSyntax.parseFetched))
        if let value = section["audiences"] { jwt.audiences = try decodeNames(value) }
        if let value = section["algorithms"] { jwt.algorithms = try decodeAlgorithms(value) }
        if let value = section["clock_skew"] {
            jwt.clockSkew = try decodeClockSkew(value)
        }
        if let value = section["refresh_interval"] { jwt.refreshInterval = try value.positiveDuration() }
        if let value = section["min_refresh_interval"] { jwt.minRefreshInterval = try value.positiveDuration() }
        if jwt.minRefreshInterval > jwt.refreshInterval, let value = section["min_refresh_interval"] ?? section["refresh_interval"] {
            throw value.error(
                "min_refresh_interval (\(DurationSyntax.format(jwt.minRefreshInterval))) must not be longer than "
                    + "refresh_interval (\(DurationSyntax.format(jwt.refreshInterval)))"
            )
        }
        if let value = section["claims"] { jwt.claims = try decodeClaimMapping(value) }
        if let value = section["required_scopes"] { jwt.requiredScopes = try decodeScopes(value) }
        return jwt
    }

    static func decodeClaimMapping(_ node: ConfigNode) throws(ConfigError) -> JWTClaimMapping {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: jwtClaimKeys)
        var claims = JWTClaimMapping()
        if let value = section["principal"] { claims.principal = try value.string() }
        if let value = section["roles"] { claims.roles = try value.string() }
        if let value = section["tenant"] { claims.tenant = try value.string() }
        if let value = section["scopes"] { claims.scopes = try value.string() }
        return claims
    }

    static func decodeAlgorithms(_ node: ConfigNode) throws(ConfigError) -> [JWTSigningAlgorithm] {
        var algorithms: [JWTSigningAlgorithm] = []
        for element in try node.sequence() {
            let scalar = try element.scalar()
            if let algorithm = JWTSigningAlgorithm(rawValue: scalar.text) {
                if !algorithms.contains(algorithm) { algorithms.append(algorithm) }
                continue
            }
            if scalar.text.lowercased() == "none" {
                throw scalar.error("\"none\" is never accepted: an unsigned token proves nothing", quotesValue: false)
            }
            if scalar.text.uppercased().hasPrefix("HS") {
                throw scalar.error(
                    "HMAC algorithms are refused: keys come from the provider's public JWKS, so a shared secret "
                        + "cannot be checked (and accepting one invites RS256/HS256 key confusion); use RS*, PS*, ES* or EdDSA"
                )
            }
            let known = JWTSigningAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
            throw scalar.error("expected one of \(known)")
        }
        guard !algorithms.isEmpty else { throw node.error("list at least one algorithm", atKey: true) }
        return algorithms
    }

    /// Zero is allowed (clocks kept in step by NTP); more than five minutes hides broken clocks
    /// and keeps stolen tokens alive.
    static func decodeClockSkew(_ node: ConfigNode) throws(ConfigError) -> Duration {
        let scalar = try node.scalar()
        guard let value = DurationSyntax.parse(scalar.text) else {
            throw scalar.error("expected \(DurationSyntax.expectation)")
        }
        guard value >= .zero else { throw scalar.error("must not be negative") }
        guard value <= JWTConfig.maxClockSkew else {
            throw scalar.error("must be at most \(DurationSyntax.format(JWTConfig.maxClockSkew))")
        }
        return value
    }

    /// An issuer, resource or authorization server: checked as a URL, kept exactly as written
    /// because it is compared with tokens and echoed to clients character for character.
    static func decodeURLText(_ node: ConfigNode) throws(ConfigError) -> String {
        let scalar = try node.scalar()
        do throws(ValueProblem) {
            _ = try WebURLSyntax.parse(scalar.text)
        } catch {
            throw scalar.error(error)
        }
        return scalar.text
    }

    /// Role names and audiences: non-empty strings.
    static func decodeNames(_ node: ConfigNode) throws(ConfigError) -> [String] {
        try node.sequence().map { element throws(ConfigError) in try element.string() }
    }

    /// OAuth scope tokens (RFC 6749 §3.3): printable ASCII without spaces, `"` or `\`, since
    /// they are joined with spaces and quoted in WWW-Authenticate challenges.
    static func decodeScopes(_ node: ConfigNode) throws(ConfigError) -> [String] {
        try node.sequence().map { element throws(ConfigError) in
            let scalar = try element.scalar()
            let valid = !scalar.text.isEmpty && scalar.text.unicodeScalars.allSatisfy {
                $0.value == 0x21 || (0x23...0x5B).contains($0.value) || (0x5D...0x7E).contains($0.value)
            }
            guard valid else { throw scalar.error("a scope is printable ASCII without spaces, quotes or backslashes") }
            return scalar.text
        }
    }
}
