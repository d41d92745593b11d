/// `auth`: who may call the gateway. Callers prove who they are with an API key, a JWT bearer
/// token from an OIDC provider (`jwt`), or not at all (`anonymous`). The gateway is an OAuth 2.1
/// resource server: `resource`, `authorization_servers` and `scopes_supported` feed its RFC 9728
/// protected-resource metadata.
public struct AuthConfig: Sendable, Equatable {
    /// Callers without credentials are let in as the anonymous principal (`anonymous`).
    public var anonymous: Bool
    /// Roles of the anonymous principal (`anonymous_roles`).
    public var anonymousRoles: [String]
    /// Tenant of the anonymous principal (`anonymous_tenant`).
    public var anonymousTenant: String?
    /// API keys are accepted as `Authorization: Bearer sb_…` or `X-API-Key: sb_…` (`api_keys`).
    public var apiKeys: Bool
    /// Bearer tokens that are not API keys are checked as JWTs (`jwt`); nil: they are refused.
    public var jwt: JWTConfig?
    /// The canonical resource URI (RFC 8707) of `/mcp` (`resource`); nil: derived per request
    /// from its Host and path, for the metadata document only.
    public var resource: String?
    /// As written (`authorization_servers`); see `effectiveAuthorizationServers`.
    public var authorizationServers: [String]
    /// Listed in the metadata document (`scopes_supported`).
    public var scopesSupported: [String]
    /// How a verified client certificate names its principal (`certificates`), with mutual TLS.
    public var certificates: CertificateIdentityConfig
    /// Roles that open the admin API at `/admin/v1` (`admin_roles`). A role of its own by
    /// default, so that no caller's ordinary roles grant it by accident.
    public var adminRoles: [String] = ["switchboard:admin"]

    public init(
        anonymous: Bool = false,
        anonymousRoles: [String] = [],
        anonymousTenant: String? = nil,
        apiKeys: Bool = true,
        jwt: JWTConfig? = nil,
        resource: String? = nil,
        authorizationServers: [String] = [],
        scopesSupported: [String] = [],
        certificates: CertificateIdentityConfig = .init()
    ) {
        self.anonymous = anonymous
        self.anonymousRoles = anonymousRoles
        self.anonymousTenant = anonymousTenant
        self.apiKeys = apiKeys
        self.jwt = jwt
        self.resource = resource
        self.authorizationServers = authorizationServers
        self.scopesSupported = scopesSupported
        self.certificates = certificates
    }

    /// What the metadata document advertises: the configured list, else the JWT issuer.
    public var effectiveAuthorizationServers: [String] {
        if !authorizationServers.isEmpty { return authorizationServers }
        return jwt.map { [$0.issuer] } ?? []
    }
}
