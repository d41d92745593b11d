import SwitchboardCore
import Metrics

/// Connections refused or left unnamed by TLS; labels are a fixed set of reasons.
enum TLSMetrics {
    /// `timeout` or `handshake` (no or untrusted client certificate, protocol mismatch, plain HTTP).
    static let handshakeFailures = LabeledCounter("switchboard_tls_handshake_failures_total", label: "reason")
    /// Verified client certificates that name no principal, by `ClientCertificateProblem.reason`.
    static let unnamedCertificates = LabeledCounter("switchboard_tls_unnamed_certificates_total", label: "reason")
}
