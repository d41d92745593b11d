/// `auth.jwt.claims`: claim names (or dotted paths into nested objects, such as
/// `realm_access.roles`) read into the principal.
public struct JWTClaimMapping: Sendable, Equatable {
    /// The principal's name (`principal`); the token is refused without it.
    public var principal: String
    /// An array of strings or a space-separated string (`roles`).
    public var roles: String
    /// A string (`tenant`).
    public var tenant: String
    /// A space-separated string or an array (`scopes`); with the default `scope`, an `scp`
    /// claim is read when `scope` is absent (Microsoft Entra, Okta).
    public var scopes: String

    public init(principal: String = "sub", roles: String = "roles", tenant: String = "tenant", scopes: String = "scope") {
        self.principal = principal
        self.roles = roles
        self.tenant = tenant
        self.scopes = scopes
    }
}
