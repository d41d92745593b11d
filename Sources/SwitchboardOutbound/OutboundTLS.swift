package import NIOSSL
package import SwitchboardCore

/// TLS toward one server: the context, made once (loading trust roots and keys is the
/// expensive part; each connection then costs a handshake, never a new context), and the name
/// the server's certificate must carry.
package struct OutboundTLS: Sendable {
    package let context: NIOSSLContext
    /// Sent in SNI and checked against the certificate; nil for an IP address, which NIOSSL
    /// checks against the certificate's IP names.
    package let serverHostname: String?
    /// The name or address the certificate must carry, for messages.
    package let expectedName: String
    package let verifies: Bool
    /// One line for `check`, `/readyz` and the start log: what the server is checked against.
    package let summary: String
    package let minimumVersion: TLSConfig.MinimumVersion
    /// Whether the gateway proves itself with a certificate (mutual TLS).
    package let presentsClientCertificate: Bool

    /// A context for `config`, toward `host`, or an error naming the setting and file at fault.
    package static func make(_ config: UpstreamTLSConfig, host: String, environment: [String: String]) throws(OutboundError) -> OutboundTLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = config.minimumVersion == .tls13 ? .tlsv13 : .tlsv12
        var checkedAgainst: [String] = []
        if config.insecureSkipVerify {
            tls.certificateVerification = .none
        } else {
            let roots = try TrustRoots.make(environment: environment)
            tls.trustRoots = roots.roots
            tls.additionalTrustRoots = roots.additional
            let fromEnvironment = environment["SSL_CERT_FILE"] != nil || environment["SSL_CERT_DIR"] != nil
            checkedAgainst.append(fromEnvironment ? "SSL_CERT_FILE/SSL_CERT_DIR" : "system roots")
            if let caFile = config.caFile {
                tls.additionalTrustRoots.append(.certificates(try TrustRoots.load(caFile, from: "tls.ca_file")))
                checkedAgainst.append("ca_file")
            }
        }
        if let certificateFile = config.clientCertificate, let keyFile = config.clientKey {
            let chain = try TrustRoots.load(certificateFile, from: "tls.client_certificate")
            let key: NIOSSLPrivateKey
            do {
                key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            } catch {
                throw OutboundError(.tlsSetup, "tls.client_key: \(keyFile) is not a readable PEM private key")
            }
            tls.certificateChain = chain.map { .certificate($0) }
            tls.privateKey = .privateKey(key)
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            // With a client certificate, a key that does not match it is the usual cause here.
            let hint = config.clientCertificate == nil ? "" : " (does tls.client_key belong to tls.client_certificate?)"
            throw OutboundError(.tlsSetup, "TLS settings refused: \(error)\(hint)")
        }
        let name = config.serverName ?? host
        let summary =
            config.insecureSkipVerify
            ? "VERIFICATION OFF (insecure_skip_verify): any certificate is accepted"
            : "verified against " + checkedAgainst.joined(separator: " + ") + " for \(name)"
                + (config.clientCertificate != nil ? ", client certificate" : "")
        return OutboundTLS(
            context: context, serverHostname: Self.isAddress(name) ? nil : name, expectedName: name, verifies: !config.insecureSkipVerify,
            summary: summary + (config.minimumVersion == .tls13 ? ", TLS 1.3 only" : ""), minimumVersion: config.minimumVersion,
            presentsClientCertificate: config.clientCertificate != nil
        )
    }

    /// A verifying context with the system's roots (or `SSL_CERT_FILE`/`SSL_CERT_DIR`) for a
    /// host, as the identity provider and token endpoint clients use; `configuration` replaces it.
    package static func system(host: String, environment: [String: String], configuration: TLSConfiguration? = nil) throws(OutboundError) -> OutboundTLS {
        guard let configuration else { return try make(UpstreamTLSConfig(), host: host, environment: environment) }
        do {
            return OutboundTLS(
                context: try NIOSSLContext(configuration: configuration), serverHostname: isAddress(host) ? nil : host, expectedName: host,
                verifies: configuration.certificateVerification != .none, summary: "custom TLS configuration",
                minimumVersion: configuration.minimumTLSVersion == .tlsv13 ? .tls13 : .tls12,
                presentsClientCertificate: !configuration.certificateChain.isEmpty
            )
        } catch {
            throw OutboundError(.tlsSetup, "TLS settings refused: \(error)")
        }
    }

    private init(
        context: NIOSSLContext, serverHostname: String?, expectedName: String, verifies: Bool, summary: String, minimumVersion: TLSConfig.MinimumVersion,
        presentsClientCertificate: Bool
    ) {
        self.presentsClientCertificate = presentsClientCertificate
        self.context = context
        self.serverHostname = serverHostname
        self.expectedName = expectedName
        self.verifies = verifies
        self.summary = summary
        self.minimumVersion = minimumVersion
    }

    /// An IPv4 or IPv6 literal: SNI carries names only.
    static func isAddress(_ host: String) -> Bool {
        host.contains(":") || (!host.isEmpty && host.allSatisfy { $0.isNumber || $0 == "." })
    }
}
