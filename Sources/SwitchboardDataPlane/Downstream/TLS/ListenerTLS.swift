import Foundation
import Logging
package import NIOCore
import NIOSSL
package import SwitchboardCore
import SwitchboardIdentity

/// The listener's TLS material, read and checked once when the listener starts: one
/// `NIOSSLContext` shared by every connection, and how a client certificate names its caller.
package struct ListenerTLS: Sendable {
    let context: NIOSSLContext
    /// Nil when clients are not asked for certificates.
    let identity: ClientCertificateIdentity?
    /// A connection that has not finished its handshake by then is closed: a client that opens
    /// sockets and says nothing must not hold them forever.
    let handshakeTimeout: TimeAmount

    /// Nil when `config.tls` is not set. Fails with the key and path of the first file that is
    /// missing, unreadable or invalid; never with the content of the key file.
    package static func load(_ config: GatewayConfig) throws(ListenerTLSError) -> ListenerTLS? {
        guard let tls = config.tls else { return nil }
        return try ListenerTLS(tls, certificates: config.auth?.certificates ?? .init())
    }

    package init(_ config: TLSConfig, certificates: CertificateIdentityConfig, handshakeTimeout: TimeAmount = .seconds(10)) throws(ListenerTLSError) {
        let chain = try Self.certificates(config.certificate, key: "tls.certificate")
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(bytes: try Self.read(config.privateKey, key: "tls.private_key"), format: .pem)
        } catch let error as ListenerTLSError {
            throw error
        } catch {
            // BoringSSL's reason is not repeated: it could quote part of the key.
            throw ListenerTLSError(key: "tls.private_key", path: config.privateKey, problem: "is not an unencrypted PEM private key")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(privateKey)
        )
        configuration.minimumTLSVersion = config.minimumVersion == .tls13 ? .tlsv13 : .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        if let clientCA = config.clientCA {
            configuration.trustRoots = .certificates(try Self.certificates(clientCA, key: "tls.client_ca"))
            // Lets a client holding several certificates pick one this CA issued.
            configuration.sendCANameList = true
        }
        switch config.clientCertificates {
        case .none: configuration.certificateVerification = .none
        case .optional: configuration.certificateVerification = .optionalVerification
        // Client certificates name no host to check; the chain to client_ca is what counts.
        case .required: configuration.certificateVerification = .noHostnameVerification
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ListenerTLSError(key: "tls.private_key", path: config.privateKey, problem: "does not belong to the certificate in \(config.certificate)")
        }
        identity = config.clientCertificates == .none ? nil : ClientCertificateIdentity(certificates)
        self.handshakeTimeout = handshakeTimeout
    }

    /// TLS first in a new connection's pipeline, then the handler that reads its client certificate.
    func addHandlers(to pipeline: ChannelPipeline.SynchronousOperations, logger: Logger) throws {
        try pipeline.addHandler(NIOSSLServerHandler(context: context))
        try pipeline.addHandler(TLSHandshakeHandler(identity: identity, timeout: handshakeTimeout, logger: logger))
    }

    private static func certificates(_ path: String, key: String) throws(ListenerTLSError) -> [NIOSSLCertificate] {
        let bytes = try read(path, key: key)
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(bytes), !certificates.isEmpty else {
            throw ListenerTLSError(key: key, path: path, problem: "holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    private static func read(_ path: String, key: String) throws(ListenerTLSError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ListenerTLSError(key: key, path: path, problem: "no such file")
        }
        guard !isDirectory.boolValue else { throw ListenerTLSError(key: key, path: path, problem: "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ListenerTLSError(key: key, path: path, problem: "cannot be read (check its permissions)")
        }
        return Array(data)
    }
}
