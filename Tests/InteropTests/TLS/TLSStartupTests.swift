import Foundation
import Logging
import Switchboard
import SwitchboardCore
import Testing

/// A listener whose certificate, key or CA cannot be used does not start, and says which key
/// and file are at fault, never what the key file holds.
@Suite struct TLSStartupTests {
    static let secret = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n"

    @Test func unusableFilesStopTheStartNamingKeyAndPath() async throws {
        let directory = PeerEnvironment.temporaryFile("tls-startup")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authority = try TestCertificateAuthority(name: "ca", directory: directory)
        let server = try authority.issueServer()
        let other = try authority.issueServer(file: "other")
        let garbage = directory + "/garbage.pem"
        try Self.secret.write(toFile: garbage, atomically: true, encoding: .utf8)
        let missing = directory + "/missing.pem"

        let cases: [(TLSConfig, String)] = [
            (TLSConfig(certificate: missing, privateKey: server.key), "tls.certificate: \(missing): no such file"),
            (TLSConfig(certificate: directory, privateKey: server.key), "tls.certificate: \(directory): is a directory"),
            (TLSConfig(certificate: server.key, privateKey: server.key), "tls.certificate: \(server.key): holds no PEM certificate"),
            (TLSConfig(certificate: server.certificate, privateKey: missing), "tls.private_key: \(missing): no such file"),
            (TLSConfig(certificate: server.certificate, privateKey: garbage), "tls.private_key: \(garbage): is not an unencrypted PEM private key"),
            (TLSConfig(certificate: server.certificate, privateKey: other.key), "tls.private_key: \(other.key): does not belong to the certificate"),
            (TLSConfig(certificate: server.certificate, privateKey: server.key, clientCA: garbage), "tls.client_ca: \(garbage): holds no PEM certificate"),
        ]
        for (tls, expected) in cases {
            var config = GatewayConfig(listen: ListenAddress(host: "127.0.0.1", port: 0))
            config.tls = tls
            let runtime = try GatewayRuntime(config: config, logger: Logger(label: "test"), threads: 1)
            do {
                let port = try await runtime.start()
                Issue.record("started on \(port) with \(tls)")
            } catch {
                #expect("\(error)".hasPrefix(expected), "\(error)")
                #expect(!"\(error)".contains("c2VjcmV0"), "the key file's content is never echoed")
            }
            try await runtime.shutdown()
        }
    }
}
