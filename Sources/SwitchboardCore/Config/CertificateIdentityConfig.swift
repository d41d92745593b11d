/// `auth.certificates`: how a verified client certificate (mutual TLS, see `TLSConfig`) becomes
/// the caller's principal, `cert:NAME`.
public struct CertificateIdentityConfig: Sendable, Equatable {
    /// Where the principal's name comes from (`principal`).
    public enum NameSource: String, Sendable, Equatable, CaseIterable {
        /// The subject's CN; a certificate with several CNs is ambiguous and names no one.
        case commonName = "common_name"
        /// The first DNS name of the subject alternative names.
        case sanDNS = "san_dns"
        /// The first URI of the subject alternative names (a SPIFFE ID, for instance).
        case sanURI = "san_uri"
        /// The first email address of the subject alternative names.
        case sanEmail = "san_email"
    }

    /// A subject attribute read into roles or the tenant.
    public enum SubjectAttribute: String, Sendable, Equatable, CaseIterable {
        /// OU: every OU becomes a role; the first is the tenant.
        case organizationalUnit = "organizational_unit"
        /// O: every O becomes a role; the first is the tenant.
        case organization
    }

    public var principal: NameSource
    /// Roles from the subject (`roles_from`); nil: a certificate carries no roles.
    public var rolesFrom: SubjectAttribute?
    /// The tenant from the subject (`tenant_from`); nil: no tenant.
    public var tenantFrom: SubjectAttribute?

    public init(principal: NameSource = .commonName, rolesFrom: SubjectAttribute? = nil, tenantFrom: SubjectAttribute? = nil) {
        self.principal = principal
        self.rolesFrom = rolesFrom
        self.tenantFrom = tenantFrom
    }
}
