package import SwitchboardCore
package import SwitchboardPolicy
import SwiftASN1
package import X509

/// Reads a verified client certificate (mutual TLS) into its principal, `cert:NAME`, as
/// `auth.certificates` says: the name from the subject's CN or a subject alternative name,
/// roles and tenant from the subject's OU or O. Pure; run once per connection, after the
/// handshake has checked the chain against `tls.client_ca`.
package struct ClientCertificateIdentity: Sendable {
    package let config: CertificateIdentityConfig

    package init(_ config: CertificateIdentityConfig) {
        self.config = config
    }

    /// The principal of a DER-encoded certificate.
    package func principal(derEncoded bytes: [UInt8]) throws(ClientCertificateProblem) -> Principal {
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: bytes)
        } catch {
            throw .unreadable
        }
        return try principal(certificate)
    }

    package func principal(_ certificate: Certificate) throws(ClientCertificateProblem) -> Principal {
        let name = try self.name(certificate)
        guard Self.isUsable(name) else { throw .unusableName(config.principal) }
        var roles: Set<String> = []
        if let source = config.rolesFrom {
            roles = Set(Self.values(source.attributeType, in: certificate.subject).filter(Self.isUsable))
        }
        let tenant = config.tenantFrom.flatMap { Self.values($0.attributeType, in: certificate.subject).first(where: Self.isUsable) }
        return Principal(kind: .certificate, name: name, roles: roles, tenant: tenant)
    }

    private func name(_ certificate: Certificate) throws(ClientCertificateProblem) -> String {
        switch config.principal {
        case .commonName:
            let names = Self.values(.RDNAttributeType.commonName, in: certificate.subject)
            // Several CNs leave "which one?" to whoever reads the certificate; refuse to guess.
            guard names.count <= 1 else { throw .ambiguousName(.commonName) }
            guard let name = names.first else { throw .missingName(.commonName) }
            return name
        case .sanDNS, .sanURI, .sanEmail:
            let alternatives: SubjectAlternativeNames?
            do {
                alternatives = try certificate.extensions.subjectAlternativeNames
            } catch {
                throw .unreadable
            }
            // The first entry of the kind: certificates list their canonical name first.
            for alternative in alternatives ?? SubjectAlternativeNames() {
                switch (config.principal, alternative) {
                case (.sanDNS, .dnsName(let name)), (.sanURI, .uniformResourceIdentifier(let name)), (.sanEmail, .rfc822Name(let name)):
                    return name
                default:
                    continue
                }
            }
            throw .missingName(config.principal)
        }
    }

    /// Every value of one attribute type in the subject, in order; values that are not text are skipped.
    private static func values(_ type: ASN1ObjectIdentifier, in subject: DistinguishedName) -> [String] {
        subject.flatMap { $0 }.filter { $0.type == type }.compactMap { String($0.value) }
    }

    /// Names and roles end up in policy matches, logs and audit: no empty strings, no control characters.
    private static func isUsable(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }
}

extension CertificateIdentityConfig.SubjectAttribute {
    fileprivate var attributeType: ASN1ObjectIdentifier {
        switch self {
        case .organizationalUnit: .RDNAttributeType.organizationalUnitName
        case .organization: .RDNAttributeType.organizationName
        }
    }
}
