import Foundation
import NIOSSL
import SwiftASN1
import SwitchboardCore
import X509

/// Turns what BoringSSL and NIOSSL report into one sentence an operator can act on.
enum TLSFailure {
    static func explain(_ error: any Error, tls: OutboundTLS?, rejected: NIOSSLCertificate?) -> OutboundError {
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return OutboundError(
                .tls, "hostname mismatch: the server's certificate does not name \(tls?.expectedName ?? "the server") (set tls.server_name if it is reached by another name)"
            )
        }
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return OutboundError(.tls, certificateProblem(rejected, expectedName: tls?.expectedName))
        }
        if text.contains("EOF during handshake") {
            return closedDuringHandshake(tls)
        }
        if text.contains("CERTIFICATE_REQUIRED") || (text.contains("HANDSHAKE_FAILURE") && text.contains("ALERT")) {
            return OutboundError(
                .tls, "the server refused the handshake; it may require a client certificate (tls.client_certificate and tls.client_key)"
            )
        }
        if text.contains("PROTOCOL_VERSION") || text.contains("UNSUPPORTED_PROTOCOL") || text.contains("NO_SUPPORTED_VERSIONS") {
            return OutboundError(.tls, "TLS version refused: the server and tls.min_version \(tls?.minimumVersion.rawValue ?? "1.2") share no protocol version")
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST") {
            return OutboundError(.tls, "the server did not answer in TLS (is it an http:// server?)")
        }
        if text.contains("BAD_CERTIFICATE") || text.contains("UNKNOWN_CA") {
            return OutboundError(.tls, "the server refused the gateway's client certificate")
        }
        if let error = error as? NIOSSLError, case .uncleanShutdown = error {
            return closedDuringHandshake(tls)
        }
        return OutboundError(.tls, "TLS handshake failed: \(text)")
    }

    /// A server that wants a client certificate and gets none often just hangs up, during the
    /// handshake or (TLS 1.3, where the client finishes first) right after it. `tls` is nil
    /// when that is all that is known.
    static func closedDuringHandshake(_ tls: OutboundTLS?) -> OutboundError {
        let hint =
            tls?.presentsClientCertificate == true
            ? "" : " (servers that require a client certificate do this: set tls.client_certificate and tls.client_key if this one does)"
        return OutboundError(.tls, "the server closed the TLS connection without answering" + hint)
    }

    /// Expired, not yet valid, issued for another name, or signed by a CA the gateway does
    /// not trust.
    static func certificateProblem(_ certificate: NIOSSLCertificate?, expectedName: String?, now: Date = Date()) -> String {
        guard let certificate else { return "certificate verification failed" }
        let notAfter = Date(timeIntervalSince1970: TimeInterval(certificate.notValidAfter))
        let notBefore = Date(timeIntervalSince1970: TimeInterval(certificate.notValidBefore))
        let parsed = (try? certificate.toDERBytes()).flatMap { try? Certificate(derEncoded: $0) }
        let subject = parsed.map { " (\($0.subject))" } ?? ""
        if notAfter < now {
            return "certificate expired: \(Self.day(notAfter))\(subject)"
        }
        if notBefore > now {
            return "certificate not valid yet: valid from \(Self.day(notBefore))\(subject)"
        }
        if let parsed, let expectedName, !CertificateNames.names(parsed, expectedName) {
            return "hostname mismatch: the server's certificate\(subject) does not name \(expectedName) (set tls.server_name if it is reached by another name)"
        }
        let issuer = parsed.map { "\($0.issuer)" } ?? "its issuer"
        return "unknown CA: the certificate chain ends at \(issuer), which the gateway does not trust (add it with tls.ca_file)"
    }

    private static func day(_ date: Date) -> String {
        let format = Date.ISO8601FormatStyle(timeZone: .gmt)
        return date.formatted(format)
    }
}

extension OutboundError {
    /// `error` as an outbound error: itself, or a TLS error met on an established connection
    /// (a TLS 1.3 server refuses a client certificate only after the handshake) explained;
    /// nil for anything else.
    package static func explaining(_ error: any Error) -> OutboundError? {
        if let error = error as? OutboundError { return error }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return TLSFailure.explain(error, tls: nil, rejected: nil)
        }
        return nil
    }
}
