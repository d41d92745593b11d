package import SwitchboardCore

/// Why a verified client certificate names no principal. The connection then carries no
/// certificate identity: its requests need another credential, or are anonymous where allowed.
package enum ClientCertificateProblem: Error, Equatable, CustomStringConvertible {
    /// The DER or its subject alternative names do not parse.
    case unreadable
    /// The certificate has no value where `auth.certificates.principal` looks.
    case missingName(CertificateIdentityConfig.NameSource)
    /// More than one subject CN.
    case ambiguousName(CertificateIdentityConfig.NameSource)
    /// Empty, or holds control characters.
    case unusableName(CertificateIdentityConfig.NameSource)

    /// A short reason for logs and metrics labels.
    package var reason: String {
        switch self {
        case .unreadable: "unreadable"
        case .missingName: "missing_name"
        case .ambiguousName: "ambiguous_name"
        case .unusableName: "unusable_name"
        }
    }

    package var description: String {
        switch self {
        case .unreadable: "the client certificate could not be parsed"
        case .missingName(let source): "the client certificate has no \(source.rawValue) (auth.certificates.principal)"
        case .ambiguousName(let source): "the client certificate has more than one \(source.rawValue)"
        case .unusableName(let source): "the client certificate's \(source.rawValue) is empty or holds control characters"
        }
    }
}
