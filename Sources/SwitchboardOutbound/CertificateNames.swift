import SwiftASN1
import X509

/// Whether a certificate names a host (RFC 6125): a DNS name, one leading `*` label matching
/// exactly one label, or an IP address; the common name only when there are no alternative
/// names. Used to explain a refused handshake, never to decide one.
enum CertificateNames {
    static func names(_ certificate: Certificate, _ host: String) -> Bool {
        let wanted = host.lowercased().trimmingSuffix(".")
        let address = IPAddressBytes.parse(wanted)
        guard let alternatives = try? certificate.extensions.subjectAlternativeNames, !alternatives.isEmpty else {
            let commonNames = certificate.subject.flatMap { $0 }.filter { $0.type == .RDNAttributeType.commonName }.map { "\($0.value)".lowercased() }
            return address == nil && commonNames.contains { matches(pattern: $0, host: wanted) }
        }
        for name in alternatives {
            switch name {
            case .dnsName(let pattern) where address == nil:
                if matches(pattern: pattern.lowercased().trimmingSuffix("."), host: wanted) { return true }
            case .ipAddress(let bytes):
                if let address, Array(bytes.bytes) == address { return true }
            default:
                continue
            }
        }
        return false
    }

    private static func matches(pattern: String, host: String) -> Bool {
        guard pattern.hasPrefix("*.") else { return pattern == host }
        guard let dot = host.firstIndex(of: ".") else { return false }
        return host[dot...] == pattern.dropFirst()
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
