import Foundation
import NIOSSL

/// The trust roots an outbound TLS connection starts from. As in OpenSSL-based tools,
/// `SSL_CERT_FILE` (a PEM bundle) and `SSL_CERT_DIR` (a folder of PEM files) replace the
/// system's store when set; otherwise the system's store. Read once per TLS context.
enum TrustRoots {
    static func make(environment: [String: String]) throws(OutboundError) -> NIOSSLTrustRoots {
        let file = environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let directory = environment["SSL_CERT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        guard file != nil || directory != nil else { return .default }
        var certificates: [NIOSSLCertificate] = []
        if let file {
            certificates += try load(file, from: "SSL_CERT_FILE")
        }
        if let directory {
            // OpenSSL's SSL_CERT_DIR is a colon-separated list of folders.
            for folder in directory.split(separator: ":").map(String.init) {
                let names: [String]
                do {
                    names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
                } catch {
                    throw OutboundError(.tlsSetup, "SSL_CERT_DIR: cannot list \(folder): \(Self.reason(error))")
                }
                for name in names where !name.hasPrefix(".") {
                    let path = folder + "/" + name
                    var isDirectory: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                    // A hashed folder (c_rehash) also holds CRLs and other files: take what parses.
                    certificates += (try? NIOSSLCertificate.fromPEMFile(path)) ?? []
                }
            }
        }
        guard !certificates.isEmpty else {
            throw OutboundError(.tlsSetup, "SSL_CERT_FILE / SSL_CERT_DIR name no PEM certificate, so no server could be trusted")
        }
        return .certificates(certificates)
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
