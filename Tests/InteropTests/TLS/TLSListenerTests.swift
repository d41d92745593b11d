import Foundation
import Logging
import Switchboard
import SwitchboardCore
import Testing

extension Interop {
    /// HTTPS and mutual TLS on the listener, checked with curl and the Python SDK client against
    /// a throwaway CA: who gets through the handshake, and whom the gateway then thinks is calling.
    @Suite struct TLSListenerTests {
        @Test func requiredClientCertificatesNameTheCaller() async throws {
            let fixture = try TLSFixture()
            defer { fixture.remove() }
            try await GatewayHarness.with([], extra: [TLSFixture.notes], configure: { try fixture.apply(.required, to: &$0) }) { gateway in
                let url = "https://127.0.0.1:\(gateway.port)/mcp"
                let ca = fixture.authority.certificateFile

                let agent7 = try await TLSCaller(url: url, caFile: ca, identity: fixture.agent7).listTools()
                #expect(agent7.exitCode == 0 && agent7.status == 200, "\(agent7)")
                #expect(agent7.tools == ["notes__echo"], "cert:agent-7 is allowed exactly one tool by name")

                let agent9 = try await TLSCaller(url: url, caFile: ca, identity: fixture.agent9).listTools()
                #expect(Set(agent9.tools) == ["notes__now", "notes__word_count"], "OU ops is a role, O acme the tenant")

                // The handshake itself fails: no HTTP status at all.
                let anonymous = try await TLSCaller(url: url, caFile: ca).listTools()
                #expect(anonymous.exitCode != 0 && anonymous.status == 0, "\(anonymous)")
                let impostor = try await TLSCaller(url: url, caFile: ca, identity: fixture.impostor).listTools()
                #expect(impostor.exitCode != 0 && impostor.status == 0, "a CN from another CA proves nothing: \(impostor)")

                // The gateway's certificate is checked by the client too: it chains to the test CA.
                let untrusting = try await TLSCaller(url: url, caFile: fixture.stranger.certificateFile, identity: fixture.agent7).listTools()
                #expect(untrusting.exitCode != 0)
                // Plain HTTP on the TLS port gets no answer.
                let plain = try await curl("http://127.0.0.1:\(gateway.port)/healthz", [], maxTime: 5)
                #expect(plain.status == 0)
                #expect(try await TLSCaller(url: url, caFile: ca, identity: fixture.agent7).get("/healthz").body == "ok\n")
            }
        }

        @Test func optionalClientCertificatesLeaveOtherCredentialsFirst() async throws {
            let fixture = try TLSFixture()
            defer { fixture.remove() }
            try await GatewayHarness.with([], extra: [TLSFixture.notes], configure: { try fixture.apply(.optional, to: &$0) }) { gateway in
                let url = "https://127.0.0.1:\(gateway.port)/mcp"
                let ca = fixture.authority.certificateFile
                let key = "Authorization: Bearer \(fixture.apiKey)"

                let nobody = try await TLSCaller(url: url, caFile: ca).listTools()
                #expect(nobody.exitCode == 0 && nobody.status == 401, "\(nobody)")
                // Metadata URLs say https: the listener itself terminates TLS.
                let challenge = nobody.headers["www-authenticate"] ?? ""
                #expect(challenge.contains("resource_metadata=\"https://127.0.0.1:\(gateway.port)/.well-known/oauth-protected-resource/mcp\""), "\(challenge)")

                #expect(try await TLSCaller(url: url, caFile: ca, identity: fixture.agent7).listTools().tools == ["notes__echo"])
                #expect(try await TLSCaller(url: url, caFile: ca, headers: [key]).listTools().tools == ["notes__add"])
                let both = try await TLSCaller(url: url, caFile: ca, identity: fixture.agent7, headers: [key]).listTools()
                #expect(both.tools == ["notes__add"], "an explicit credential wins over the connection's certificate")
                let wrongKey = try await TLSCaller(url: url, caFile: ca, identity: fixture.agent7, headers: ["X-API-Key: sb_nope"]).listTools()
                #expect(wrongKey.status == 401, "a bad credential is refused, not replaced by the certificate")

                let impostor = try await TLSCaller(url: url, caFile: ca, identity: fixture.impostor).listTools()
                #expect(impostor.exitCode != 0 && impostor.status == 0, "a presented certificate must verify: \(impostor)")
            }
        }

        /// Plain HTTPS (no client certificates asked for) with `min_version: "1.3"`.
        @Test func minimumVersionIsEnforced() async throws {
            let fixture = try TLSFixture()
            defer { fixture.remove() }
            let configure: (inout GatewayConfig) throws -> Void = { config in
                config.tls = TLSConfig(certificate: fixture.server.certificate, privateKey: fixture.server.key, minimumVersion: .tls13)
            }
            try await GatewayHarness.with([], extra: [TLSFixture.notes], configure: configure) { gateway in
                let url = "https://127.0.0.1:\(gateway.port)/healthz"
                let modern = try await curl(url, ["--cacert", fixture.authority.certificateFile])
                #expect(modern.status == 200 && modern.body == "ok\n", "\(modern)")
                let old = try await curl(url, ["--cacert", fixture.authority.certificateFile, "--tls-max", "1.2"])
                #expect(old.exitCode != 0 && old.status == 0, "\(old)")
                // No auth section on loopback: anyone with the CA may list, as over plain HTTP.
                let open = try await TLSCaller(url: "https://127.0.0.1:\(gateway.port)/mcp", caFile: fixture.authority.certificateFile).listTools()
                #expect(open.tools.count == 5, "\(open)")
            }
        }

        /// The official Python SDK client (httpx over `ssl`) in both eras, through mutual TLS.
        @Test func pythonSDKClientOverMutualTLS() async throws {
            try PeerEnvironment.requirePeers()
            let fixture = try TLSFixture()
            defer { fixture.remove() }
            try await GatewayHarness.with([], extra: [TLSFixture.notes], configure: { try fixture.apply(.required, to: &$0) }) { gateway in
                let url = "https://127.0.0.1:\(gateway.port)/mcp"
                for mode in ["legacy", "2026-07-28"] {
                    let report = try await Self.sdk(url: url, fixture: fixture, identity: fixture.agent7, mode: mode, calls: [
                        ("notes__echo", #"{"text":"over tls"}"#), ("notes__add", #"{"a":1,"b":2}"#),
                    ])
                    #expect(report["connectError"] == nil || report["connectError"] is NSNull, "\(mode): \(report)")
                    #expect(report["tools"] as? [String] == ["notes__echo"], "\(mode)")
                    let calls = report["calls"] as? [[String: Any]] ?? []
                    #expect(calls.first?["ok"] as? Bool == true && (calls.first?["text"] as? String)?.contains("over tls") == true, "\(mode): \(calls)")
                    #expect(calls.last?["ok"] as? Bool == false, "\(mode): notes__add is not agent-7's")
                }
                let refused = try await Self.sdk(url: url, fixture: fixture, identity: nil, mode: "legacy", calls: [])
                #expect(refused["connectError"] is String, "no client certificate, no connection")
            }
        }

        static func sdk(
            url: String, fixture: TLSFixture, identity: TestCertificateAuthority.Issued?, mode: String, calls: [(String, String)]
        ) async throws -> [String: Any] {
            var arguments = [PeerEnvironment.path("Tests/Peers/clients/tls_client.py"), "--url", url, "--cacert", fixture.authority.certificateFile, "--mode", mode]
            if let identity { arguments += ["--cert", identity.certificate, "--key", identity.key] }
            for (tool, json) in calls { arguments += ["--call", "\(tool)=\(json)"] }
            let child = try ChildProcessRunner(PeerEnvironment.python, arguments)
            let status = await child.wait(seconds: 90)
            guard status == 0, let line = child.standardOutput.split(separator: "\n").last,
                let report = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            else {
                throw HarnessError("tls_client.py failed (\(status)):\n\(child.standardOutput.suffix(3000))\n\(child.standardError.suffix(3000))")
            }
            return report
        }
    }
}
