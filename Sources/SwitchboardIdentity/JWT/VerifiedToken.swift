package import SwitchboardPolicy

/// A bearer token that passed every check: who it stands for, and what audit records about it.
package struct VerifiedToken: Sendable, Equatable {
    /// Kind `.jwt`, named by the principal claim, with the mapped roles, tenant and scopes.
    package var principal: Principal
    package var issuer: String
    /// The token's `aud`, all of it.
    package var audiences: [String]
    /// `sub`, which may differ from the principal's name when `claims.principal` is mapped.
    package var subject: String?
    /// `jti`, when the issuer sets one.
    package var tokenID: String?
    /// The `kid` of the key that signed it.
    package var keyID: String?
    package var algorithm: String
    /// `exp`, in seconds since 1970.
    package var expiresAt: Double

    package init(
        principal: Principal,
        issuer: String,
        audiences: [String],
        subject: String?,
        tokenID: String?,
        keyID: String?,
        algorithm: String,
        expiresAt: Double
    ) {
        self.principal = principal
        self.issuer = issuer
        self.audiences = audiences
        self.subject = subject
        self.tokenID = tokenID
        self.keyID = keyID
        self.algorithm = algorithm
        self.expiresAt = expiresAt
    }
}
