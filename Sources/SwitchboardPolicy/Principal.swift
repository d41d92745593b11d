/// Who is calling, as every check after authentication sees it: policy, quotas, audit and the
/// upstream session it may use. Built once per connection or token (never per call) by the
/// authenticator, from an API key, a JWT's claims, a client certificate, or the configured
/// anonymous identity.
///
/// Immutable, and held in one shared object: a request copies its caller into the session,
/// the call's facts and the quota ticket, and each copy is then a single retain rather than
/// one per field. `id` is built once here, since policy globs, quota keys and audit ask for it
/// on every call.
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

    private final class Storage: Sendable {
        let kind: Kind
        let name: String
        let roles: Set<String>
        let tenant: String?
        let scopes: Set<String>
        let virtualServers: Set<String>?
        let id: String

        init(kind: Kind, name: String, roles: Set<String>, tenant: String?, scopes: Set<String>, virtualServers: Set<String>?) {
            self.kind = kind
            self.name = name
            self.roles = roles
            self.tenant = tenant
            self.scopes = scopes
            self.virtualServers = virtualServers
            id = kind == .anonymous ? "anonymous" : kind.rawValue + ":" + name
        }
    }

    private let storage: Storage

    /// How the caller proved who it is.
    public var kind: Kind { storage.kind }
    /// The key's name, the token's subject, the certificate's subject CN, or "anonymous".
    public var name: String { storage.name }
    public var roles: Set<String> { storage.roles }
    public var tenant: String? { storage.tenant }
    /// OAuth scopes a bearer token carried (empty for other kinds).
    public var scopes: Set<String> { storage.scopes }
    /// Virtual servers this caller may use; nil means every one, and `/mcp` itself.
    public var virtualServers: Set<String>? { storage.virtualServers }

    public init(
        kind: Kind,
        name: String,
        roles: Set<String> = [],
        tenant: String? = nil,
        scopes: Set<String> = [],
        virtualServers: Set<String>? = nil
    ) {
        storage = Storage(kind: kind, name: name, roles: roles, tenant: tenant, scopes: scopes, virtualServers: virtualServers)
    }

    /// `kind:name` (`key:ci-bot`, `jwt:alice@example.com`, `cert:agent-7`), or `anonymous`:
    /// what policy rules' `principals` globs, quotas' `per: principal` and audit use.
    public var id: String { storage.id }

    public var description: String { id }

    /// The same object (the usual case: one key's principal, held by its session) is equal
    /// without comparing sets.
    public static func == (lhs: Principal, rhs: Principal) -> Bool {
        if lhs.storage === rhs.storage { return true }
        return lhs.kind == rhs.kind && lhs.name == rhs.name && lhs.roles == rhs.roles && lhs.tenant == rhs.tenant
            && lhs.scopes == rhs.scopes && lhs.virtualServers == rhs.virtualServers
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(name)
        hasher.combine(roles)
        hasher.combine(tenant)
        hasher.combine(scopes)
        hasher.combine(virtualServers)
    }

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

    /// Whether `other` is the same caller (kind and name: what `id` is made of), for the
    /// session checks that run on every request.
    public func isSameCaller(as other: Principal) -> Bool {
        storage === other.storage || (kind == other.kind && name == other.name)
    }
}
