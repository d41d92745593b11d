import Foundation
import Switchboard
import SwitchboardCore
import SwitchboardTesting
import Testing

extension Interop {
    /// The gateway as a TLS client: the official Python SDK server under uvicorn, serving https
    /// with a certificate from a CA the suite makes, reached with that CA configured (the SDK
    /// client then calls its tools in both eras) and refused, with the cause named, without it,
    /// under the wrong name, with an expired certificate and without a required client
    /// certificate.
    @Suite struct UpstreamTLSTests {
        /// A feature server serving https with `certificate`; with `clientCA`, it requires client
        /// certificates issued by it.
        static func launch(_ certificate: TestCertificateAuthority.Issued, clientCA: String? = nil) async throws -> (ChildProcessRunner, Int) {
            var arguments = ["--tls-cert", certificate.certificate, "--tls-key", certificate.key]
            if let clientCA { arguments += ["--tls-client-ca", clientCA] }
            return try await FeatureServer(name: "secure", kind: .http, extraArguments: arguments).launch()
        }

        static func server(port: Int, host: String = "127.0.0.1", tls: UpstreamTLSConfig) -> ServerConfig {
            ServerConfig(
                name: "secure", transport: .streamableHTTP(HTTPEndpoint(scheme: "https", host: host, port: port, pathAndQuery: "/mcp")), tls: tls
            )
        }

        /// The server's one status line once its first start has ended, either way.
        static func status(_ gateway: GatewayHarness) async throws -> (state: String, error: String, connection: String) {
            let line = try await eventuallyValue("the server's first start to end", timeout: .seconds(30)) { () -> ServerStatusLine? in
                guard let line = gateway.runtime.serverStatuses.first, line.state == "ready" || line.lastError != nil else { return nil }
                return line
            }
            return (line.state, line.lastError ?? "", line.connection ?? "")
        }

        @Test func callsToolsOnAPrivateCAServerInBothEras() async throws {
            let directory = PeerEnvironment.temporaryFile("upstream-tls")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let ca = try TestCertificateAuthority(name: "private-ca", directory: directory)
            let (child, port) = try await Self.launch(try ca.issueServer())
            defer { child.stop() }
            try await GatewayHarness.with([], extra: [Self.server(port: port, tls: UpstreamTLSConfig(caFile: ca.certificateFile))]) { gateway in
                let status = try await Self.status(gateway)
                #expect(status.state == "ready", "\(status)")
                #expect(status.connection.contains("+ ca_file for 127.0.0.1, direct"), "\(status.connection)")
                for mode in ["legacy", "2026-07-28"] {
                    let output = try await gateway.session(mode: mode, tool: "secure__echo", arguments: #"{"text":"over tls"}"#)
                    #expect(output.contains(#""result": "over tls""#), "\(mode): \(output)")
                }
                // The whole federation scenario (progress, elicitation, sampling, cancel, the
                // GET stream's list_changed) over the TLS upstream.
                _ = try await gateway.scenario("federation", ["--prefix", "secure=http"])
            }
        }

        @Test func refusesAServerItCannotVerifyAndSaysWhy() async throws {
            let directory = PeerEnvironment.temporaryFile("upstream-tls")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let ca = try TestCertificateAuthority(name: "private-ca", directory: directory)
            let (child, port) = try await Self.launch(try ca.issueServer())
            defer { child.stop() }

            // Without the CA: unknown issuer, named.
            try await GatewayHarness.with([], extra: [Self.server(port: port, tls: UpstreamTLSConfig())]) { gateway in
                let status = try await Self.status(gateway)
                #expect(status.state != "ready")
                #expect(status.error.contains("unknown CA") && status.error.contains("private-ca"), "\(status.error)")
            }
            // The CA, but a name the certificate does not carry; then that name as tls.server_name.
            let (named, namedPort) = try await Self.launch(try ca.issueServer(file: "internal", dnsNames: ["mcp.internal"]))
            defer { named.stop() }
            try await GatewayHarness.with([], extra: [Self.server(port: namedPort, tls: UpstreamTLSConfig(caFile: ca.certificateFile))]) { gateway in
                let status = try await Self.status(gateway)
                #expect(status.error.contains("hostname mismatch") && status.error.contains("127.0.0.1"), "\(status.error)")
            }
            let renamed = UpstreamTLSConfig(caFile: ca.certificateFile, serverName: "mcp.internal")
            try await GatewayHarness.with([], extra: [Self.server(port: namedPort, tls: renamed)]) { gateway in
                let status = try await Self.status(gateway)
                #expect(status.state == "ready", "\(status)")
            }
            // Switched off: it connects, and says so everywhere.
            try await GatewayHarness.with([], extra: [Self.server(port: port, tls: UpstreamTLSConfig(insecureSkipVerify: true))]) { gateway in
                let status = try await Self.status(gateway)
                #expect(status.state == "ready", "\(status)")
                #expect(status.connection.contains("VERIFICATION OFF"))
                #expect(gateway.runtime.serverStatuses.first?.verificationOff == true)
                let ready = try await curl("http://127.0.0.1:\(gateway.port)/readyz", [])
                #expect(ready.body.contains("TLS certificate verification is off"), "\(ready.body)")
            }
        }

        @Test func namesAnExpiredCertificate() async throws {
            let directory = PeerEnvironment.temporaryFile("upstream-tls")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let ca = try TestCertificateAuthority(name: "private-ca", directory: directory)
            let (child, port) = try await Self.launch(try ca.issueServer(file: "expired", validity: TestCertificateAuthority.expired))
            defer { child.stop() }
            try await GatewayHarness.with([], extra: [Self.server(port: port, tls: UpstreamTLSConfig(caFile: ca.certificateFile))]) { gateway in
                let status = try await Self.status(gateway)
                #expect(status.error.contains("certificate expired"), "\(status.error)")
            }
        }

        @Test func presentsAClientCertificateWhenTheServerRequiresOne() async throws {
            let directory = PeerEnvironment.temporaryFile("upstream-tls")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let ca = try TestCertificateAuthority(name: "private-ca", directory: directory)
            let (child, port) = try await Self.launch(try ca.issueServer(), clientCA: ca.certificateFile)
            defer { child.stop() }

            try await GatewayHarness.with([], extra: [Self.server(port: port, tls: UpstreamTLSConfig(caFile: ca.certificateFile))]) { gateway in
                let status = try await Self.status(gateway)
                #expect(status.state != "ready")
                #expect(status.error.contains("client certificate"), "\(status.error)")
            }
            let identity = try ca.issueClient(file: "gateway", commonName: "switchboard")
            let mutual = UpstreamTLSConfig(caFile: ca.certificateFile, clientCertificate: identity.certificate, clientKey: identity.key)
            try await GatewayHarness.with([], extra: [Self.server(port: port, tls: mutual)]) { gateway in
                let status = try await Self.status(gateway)
                #expect(status.state == "ready", "\(status)")
                let output = try await gateway.session(mode: "legacy", tool: "secure__echo", arguments: #"{"text":"mutual"}"#)
                #expect(output.contains(#""result": "mutual""#), "\(output)")
            }
        }
    }
}
