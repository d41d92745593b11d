import SwitchboardCore
import SwitchboardPolicy

/// The checks on a signed token's claims, and their mapping to a principal. Pure and
/// synchronous, so every rule can be tested with a table of claims and a fixed time.
struct TokenRules: Sendable {
    let issuer: String
    let audiences: [String]
    /// With audiences defaulted from `auth.resource`, tokens for a virtual server
    /// (`{resource}/{name}`) name this gateway too.
    let acceptsSubresources: Bool
    let clockSkew: Double
    let claims: JWTClaimMapping
    let requiredScopes: [String]

    init(config: JWTConfig, resource: String?) {
        issuer = config.issuer
        if config.audiences.isEmpty, let resource {
            audiences = [resource]
            acceptsSubresources = true
        } else {
            audiences = config.audiences
            acceptsSubresources = false
        }
        clockSkew = config.clockSkew.seconds
        claims = config.claims
        requiredScopes = config.requiredScopes
    }

    func check(
        _ payload: [String: ClaimValue], now: Double, keyID: String?, algorithm: String
    ) -> Result<VerifiedToken, TokenRejection> {
        do throws(TokenRejection) {
            return .success(try verified(payload, now: now, keyID: keyID, algorithm: algorithm))
        } catch {
            return .failure(error)
        }
    }

    private func verified(
        _ payload: [String: ClaimValue], now: Double, keyID: String?, algorithm: String
    ) throws(TokenRejection) -> VerifiedToken {
        guard let issClaim = payload["iss"] else { throw .missingClaim("iss") }
        guard let iss = issClaim.string else { throw .malformed }
        guard iss == issuer else { throw .wrongIssuer }

        guard let audClaim = payload["aud"] else { throw .missingClaim("aud") }
        let aud: [String]
        switch audClaim {
        case .string(let single): aud = [single]
        case .array: guard let list = audClaim.stringList else { throw .malformed }; aud = list
        default: throw .malformed
        }
        // A token for the whole gateway may use every endpoint; one minted only for a virtual
        // server's resource (`{resource}/ops`) may use that virtual server and nothing else.
        let wholeGateway = aud.contains(where: audiences.contains)
        let virtualServers = wholeGateway ? [] : Set(aud.compactMap(virtualServer(of:)))
        guard wholeGateway || !virtualServers.isEmpty else { throw .wrongAudience }

        guard let expClaim = payload["exp"] else { throw .missingClaim("exp") }
        guard let exp = expClaim.number else { throw .malformed }
        guard now < exp + clockSkew else { throw .expired }
        if let nbfClaim = payload["nbf"] {
            guard let nbf = nbfClaim.number else { throw .malformed }
            guard now + clockSkew >= nbf else { throw .notYetValid }
        }
        if let iatClaim = payload["iat"] {
            guard let iat = iatClaim.number else { throw .malformed }
            guard now + clockSkew >= iat else { throw .notYetValid }
        }

        guard let name = payload.claim(claims.principal)?.string, !name.isEmpty else {
            throw .missingClaim(claims.principal)
        }
        let roles = payload.claim(claims.roles)?.stringList ?? []
        let tenant = payload.claim(claims.tenant)?.string
        var scopeClaim = payload.claim(claims.scopes)
        if scopeClaim == nil, claims.scopes == "scope" { scopeClaim = payload["scp"] }
        let scopes = Set(scopeClaim?.stringList ?? [])

        if !requiredScopes.allSatisfy(scopes.contains) {
            throw .insufficientScope(required: requiredScopes)
        }
        return VerifiedToken(
            principal: Principal(
                kind: .jwt, name: name, roles: Set(roles), tenant: tenant, scopes: scopes,
                virtualServers: wholeGateway ? nil : virtualServers
            ),
            issuer: iss,
            audiences: aud,
            subject: payload["sub"]?.string,
            tokenID: payload["jti"]?.string,
            keyID: keyID,
            algorithm: algorithm,
            expiresAt: exp
        )
    }

    /// The virtual server whose resource `candidate` is (`{resource}/{name}`, one path segment),
    /// when audiences default to the resource.
    private func virtualServer(of candidate: String) -> String? {
        guard acceptsSubresources else { return nil }
        for audience in audiences {
            let base = audience.hasSuffix("/") ? audience : audience + "/"
            guard candidate.hasPrefix(base) else { continue }
            let name = candidate.dropFirst(base.count)
            if !name.isEmpty, !name.contains("/"), !name.contains("?"), !name.contains("#") { return String(name) }
        }
        return nil
    }
}
