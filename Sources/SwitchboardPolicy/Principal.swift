/// Who is calling, as every check after authentication sees it: policy, quotas, audit and the
/// upstream session it may use. Built once per connection or token (never per call) by the
/// authenticator, from an API key, a JWT's claims, a client certificate, or the configured
/// anonymous identity.
public struct Principal: Sendable, Hashable, CustomStringConvertible {
    /// How the caller proved who it is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case apiKey = "key"
        case jwt
        case certificate = "cert"
        case anonymous
        /// `switchboard stdio`: the user who started the process.
        case local
    }

    public var kind: Kind
    /// The key's name, the token's subject, the certificate's subject CN, or "anonymous".
    public var name: String
    public var roles: Set<String>
    public var tenant: String?
    /// OAuth scopes a bearer token carried (empty for other kinds).
    public var scopes: Set<String>
    /// Virtual servers this caller may use; nil means every one, and `/mcp` itself.
    public var virtualServers: Set<String>?

    public init(
        kind: Kind,
        name: String,
        roles: Set<String> = [],
        tenant: String? = nil,
        scopes: Set<String> = [],
        virtualServers: Set<String>? = nil
    ) {
        self.kind = kind
        self.name = name
        self.roles = roles
        self.tenant = tenant
        self.scopes = scopes
        self.virtualServers = virtualServers
    }

    /// `kind:name` (`key:ci-bot`, `jwt:alice@example.com`, `cert:agent-7`), or `anonymous`:
    /// what policy rules' `principals` globs, quotas' `per: principal` and audit use.
    public var id: String {
        switch kind {
        case .anonymous: "anonymous"
        default: kind.rawValue + ":" + name
        }
    }

    public var description: String { id }

    /// The caller when authentication is off or anonymous access is configured.
    public static func anonymous(roles: Set<String> = [], tenant: String? = nil) -> Principal {
        Principal(kind: .anonymous, name: "anonymous", roles: roles, tenant: tenant)
    }

    /// May this caller use `virtualServer` (nil: the whole gateway at `/mcp`)?
    public func mayUse(virtualServer: String?) -> Bool {
        guard let allowed = virtualServers else { return true }
        guard let virtualServer else { return false }
        return allowed.contains(virtualServer)
    }
}
