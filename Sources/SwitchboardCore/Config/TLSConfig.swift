/// `tls`: HTTPS on the data-plane listener, and optionally mutual TLS. Paths are absolute once
/// loaded (relative ones are resolved against the config file's folder); the files are read
/// when the listener starts, so the config itself never holds key material.
public struct TLSConfig: Sendable, Equatable {
    /// Whether clients are asked for a certificate (`client_certificates`).
    public enum ClientCertificates: String, Sendable, Equatable, CaseIterable {
        /// Not asked for; `client_ca` must not be set.
        case none
        /// Verified against `client_ca` when presented; a client without one may still use
        /// other credentials.
        case optional
        /// The handshake fails without a certificate that `client_ca` vouches for.
        case required
    }

    /// The oldest protocol version accepted (`min_version`).
    public enum MinimumVersion: String, Sendable, Equatable, CaseIterable {
        case tls12 = "1.2"
        case tls13 = "1.3"
    }

    /// PEM certificate chain, leaf first (`certificate`).
    public var certificate: String
    /// PEM private key of the leaf (`private_key`). The path is not secret; the file is.
    public var privateKey: String
    /// PEM trust roots for client certificates (`client_ca`); setting it enables mutual TLS.
    public var clientCA: String?
    public var clientCertificates: ClientCertificates
    public var minimumVersion: MinimumVersion

    /// `clientCertificates` defaults to `required` when `clientCA` is set, else `none`.
    public init(
        certificate: String,
        privateKey: String,
        clientCA: String? = nil,
        clientCertificates: ClientCertificates? = nil,
        minimumVersion: MinimumVersion = .tls12
    ) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.clientCA = clientCA
        self.clientCertificates = clientCertificates ?? (clientCA == nil ? .none : .required)
        self.minimumVersion = minimumVersion
    }
}
