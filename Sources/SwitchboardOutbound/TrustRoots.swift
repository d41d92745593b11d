import Foundation
import NIOSSL

/// The trust roots an outbound TLS connection starts from. As in OpenSSL-based tools,
/// `SSL_CERT_FILE` (a PEM bundle) and `SSL_CERT_DIR` (folders of hashed PEM files, separated by
/// `:`) replace the system's store when set; otherwise the system's store. BoringSSL reads the
/// bundle once and looks certificates up in the folders when a chain needs them, so a context
/// holds no copy of either.
enum TrustRoots {
    static func make(environment: [String: String]) throws(OutboundError) -> (roots: NIOSSLTrustRoots, additional: [NIOSSLAdditionalTrustRoots]) {
        let file = environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let folders = environment["SSL_CERT_DIR"].map { $0.split(separator: ":").map(String.init) } ?? []
        guard file != nil || !folders.isEmpty else { return (.default, []) }
        if let file, !FileManager.default.isReadableFile(atPath: file) {
            throw OutboundError(.tlsSetup, "SSL_CERT_FILE: cannot read \(file)")
        }
        for folder in folders {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw OutboundError(.tlsSetup, "SSL_CERT_DIR: \(folder) is not a folder")
            }
        }
        // BoringSSL looks up a folder only as the main roots; a bundle loads as either.
        guard let folder = folders.first else { return (.file(file!), []) }
        var additional: [NIOSSLAdditionalTrustRoots] = file.map { [.file($0)] } ?? []
        for other in folders.dropFirst() {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: other)) ?? []
            let certificates = names.sorted().flatMap { (try? NIOSSLCertificate.fromPEMFile(other + "/" + $0)) ?? [] }
            if !certificates.isEmpty { additional.append(.certificates(certificates)) }
        }
        return (.file(folder), additional)
    }

    /// The certificates of a PEM file, or an error naming the setting and the file.
    static func load(_ path: String, from setting: String) throws(OutboundError) -> [NIOSSLCertificate] {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw OutboundError(.tlsSetup, "\(setting): cannot read \(path)")
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw OutboundError(.tlsSetup, "\(setting): \(path) is not a PEM certificate file (\(Self.reason(error)))")
        }
        guard !certificates.isEmpty else { throw OutboundError(.tlsSetup, "\(setting): \(path) holds no PEM certificate") }
        return certificates
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? CocoaError, let underlying = error.userInfo[NSUnderlyingErrorKey] as? any Error {
            return underlying.localizedDescription
        }
        return String(describing: error)
    }
}
