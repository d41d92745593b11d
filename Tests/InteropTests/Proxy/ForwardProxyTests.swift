import Foundation
import Switchboard
import SwitchboardCore
import SwitchboardTesting
import Testing

extension Interop {
    /// The gateway through a real forward proxy (tinyproxy): https servers through a `CONNECT`
    /// tunnel, plain http ones in absolute form, proxy credentials from a file, the
    /// environment's `HTTPS_PROXY` and `NO_PROXY` honoured by the `switchboard` binary.
    @Suite struct ForwardProxyTests {
        @Test func tunnelsHTTPSAndForwardsHTTPWithCredentials() async throws {
            let directory = PeerEnvironment.temporaryFile("proxied")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let ca = try TestCertificateAuthority(name: "private-ca", directory: directory)
            let (secure, securePort) = try await UpstreamTLSTests.launch(try ca.issueServer())
            defer { secure.stop() }
            let (plain, plainPort) = try await FeatureServer(name: "plain", kind: .http).launch()
            defer { plain.stop() }
            let proxy = try await ForwardProxy(credentials: ("alice", "s3cret"))
            defer { proxy.stop() }
            let credentials = directory + "/proxy-credentials"
            try "alice:s3cret\n".write(toFile: credentials, atomically: true, encoding: .utf8)
            let via = UpstreamProxyConfig.explicit(ProxyAddress(host: "127.0.0.1", port: proxy.port), credentialsFile: credentials)

            // "localhost": the name the certificate carries, resolved by the proxy, not the gateway.
            let servers = [
                ServerConfig(
                    name: "secure", transport: .streamableHTTP(HTTPEndpoint(scheme: "https", host: "localhost", port: securePort, pathAndQuery: "/mcp")),
                    tls: UpstreamTLSConfig(caFile: ca.certificateFile), proxy: via
                ),
                ServerConfig(name: "plain", transport: .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: plainPort, pathAndQuery: "/mcp")), proxy: via),
            ]
            try await GatewayHarness.with([], extra: servers) { gateway in
                try await eventually("both servers ready", timeout: .seconds(30)) {
                    gateway.runtime.serverStatuses.allSatisfy { $0.state == "ready" }
                }
                let lines = gateway.runtime.serverStatuses.map { $0.connection ?? "" }
                #expect(lines.allSatisfy { $0.contains("via proxy http://127.0.0.1:\(proxy.port) (servers.") }, "\(lines)")
                for mode in ["legacy", "2026-07-28"] {
                    let secureCall = try await gateway.session(mode: mode, tool: "secure__echo", arguments: #"{"text":"tunnelled"}"#)
                    #expect(secureCall.contains(#""result": "tunnelled""#), "\(mode): \(secureCall)")
                    let plainCall = try await gateway.session(mode: mode, tool: "plain__echo", arguments: #"{"text":"forwarded"}"#)
                    #expect(plainCall.contains(#""result": "forwarded""#), "\(mode): \(plainCall)")
                }
                let requests = proxy.requests
                #expect(requests.contains { $0.hasPrefix("CONNECT localhost:\(securePort) ") }, "\(requests)")
                #expect(requests.contains { $0.hasPrefix("POST http://127.0.0.1:\(plainPort)/mcp ") }, "\(requests)")
                // Keep-alive through the proxy: far fewer tunnels than calls.
                let tunnels = requests.filter { $0.hasPrefix("CONNECT ") }.count
                #expect(tunnels <= 8, "\(tunnels) tunnels for two sessions in each era")
            }

            // Wrong credentials: the proxy's 407, named.
            try "alice:wrong\n".write(toFile: credentials, atomically: true, encoding: .utf8)
            try await GatewayHarness.with([], extra: [servers[0]]) { gateway in
                let error = try await eventuallyValue("the refusal", timeout: .seconds(30)) { gateway.runtime.serverStatuses.first?.lastError }
                #expect(error.contains("refused the tunnel") && error.contains("proxy credentials missing or refused"), "\(error)")
                #expect(!error.contains("wrong") && !error.contains("s3cret"), "no secret in the message: \(error)")
            }
        }

        /// `HTTPS_PROXY` and `NO_PROXY` from the environment of the `switchboard` binary, as a
        /// platform sets them: `check` shows the path and the proxy's log shows the tunnel;
        /// with the host in `NO_PROXY` the gateway goes direct.
        @Test func honoursTheEnvironment() async throws {
            let directory = PeerEnvironment.temporaryFile("proxied-env")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let ca = try TestCertificateAuthority(name: "private-ca", directory: directory)
            let (secure, securePort) = try await UpstreamTLSTests.launch(try ca.issueServer())
            defer { secure.stop() }
            let proxy = try await ForwardProxy()
            defer { proxy.stop() }
            let config = directory + "/switchboard.yaml"
            try """
                listen: 127.0.0.1:0
                servers:
                  secure:
                    url: https://localhost:\(securePort)/mcp
                    tls: { ca_file: \(ca.certificateFile) }
                """.write(toFile: config, atomically: true, encoding: .utf8)

            func check(_ environment: [String: String]) async throws -> String {
                let child = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["check", "--config", config, "--wait", "20"], environment: environment)
                let status = await child.wait(seconds: 60)
                #expect(status == 0, "\(child.standardOutput)\n\(child.standardError)")
                return child.standardOutput
            }

            let proxied = try await check(["HTTPS_PROXY": proxy.url, "NO_PROXY": "example.com,10.0.0.0/8", "no_proxy": ""])
            #expect(proxied.contains("via proxy http://127.0.0.1:\(proxy.port) (HTTPS_PROXY)"), "\(proxied)")
            #expect(proxied.contains("secure__echo"), "\(proxied)")
            let tunnels = proxy.requests.filter { $0.hasPrefix("CONNECT localhost:\(securePort) ") }.count
            #expect(tunnels >= 1, "\(proxy.requests)")

            let bypassed = try await check(["HTTPS_PROXY": proxy.url, "NO_PROXY": ".example.com, localhost"])
            #expect(bypassed.contains("direct"), "\(bypassed)")
            #expect(proxy.requests.filter { $0.hasPrefix("CONNECT ") }.count == tunnels, "NO_PROXY bypasses the proxy: \(proxy.requests)")

            // A proxy setting the gateway cannot read is named, not ignored.
            let broken = try ChildProcessRunner(
                PeerEnvironment.switchboardBinary, ["check", "--config", config, "--wait", "5"], environment: ["HTTPS_PROXY": "socks5://127.0.0.1:1080"]
            )
            #expect(await broken.wait(seconds: 60) == 1)
            #expect(broken.standardOutput.contains("HTTPS_PROXY: only http:// proxies are supported"), "\(broken.standardOutput)")
        }
    }
}
