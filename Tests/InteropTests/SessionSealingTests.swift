import Foundation
import Testing
import SwitchboardCore
import SwitchboardTesting

extension Interop {
    /// Session ids are sealed tokens: a gateway with the same seal key re-creates the session
    /// from the id alone, after a restart or on another replica, with no re-initialize. Raw
    /// HTTP for the exact checks (no SDK client can be handed a session id); the official SDK
    /// client once, across a restart at the same address.
    @Suite struct SessionSealingTests {
        static let key = SealSecret("interop-tests seal key, at least thirty-two characters")
        static let otherKey = SealSecret("another deployment's seal key, also 32+ characters")
        static let servers = [FeatureServer(name: "alpha", kind: .stdio)]
        static let revision = "2025-11-25"

        static func sealed(_ key: SealSecret = key) -> SessionsConfig {
            SessionsConfig(sealKeys: [key])
        }

        /// `switchboard serve` with `config`, once it is ready on `port`.
        private static func serve(_ config: String, port: Int, environment: [String: String] = [:]) async throws -> ChildProcessRunner {
            let process = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["serve", "--config", config, "--log-level", "error"], environment: environment)
            let health = RawHTTP(url: "http://127.0.0.1:\(port)/readyz")
            let ready: Void? = try? await eventually("ready", timeout: .seconds(10), every: .milliseconds(50)) {
                (try? await health.request("GET"))?.body.contains(#""state":"ready""#) == true
            }
            if ready != nil { return process }
            process.stop()
            throw HarnessError("gateway on \(port) did not become ready: \(process.standardError.suffix(2000))")
        }

        /// `initialize` then `notifications/initialized`; the session's headers.
        private func initialize(_ http: RawHTTP) async throws -> [String: String] {
            let response = try await http.post(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"\#(Self.revision)","capabilities":{"sampling":{}},"clientInfo":{"name":"sealing-test","version":"1"}}}"#)
            #expect(response.status == 200, "\(response.body)")
            let id = try #require(response.headers["mcp-session-id"], "\(response.headers)")
            let session = ["Mcp-Session-Id": id, "MCP-Protocol-Version": Self.revision]
            let initialized = try await http.post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, headers: session)
            #expect(initialized.status == 202)
            return session
        }

        private func echo(_ http: RawHTTP, _ session: [String: String], _ text: String) async throws -> RawHTTP.Response {
            try await http.post(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"alpha__echo","arguments":{"text":"\#(text)"}}}"#, headers: session)
        }

        private func expectEcho(_ response: RawHTTP.Response, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(response.status == 200, "\(response.status) \(response.body)", sourceLocation: sourceLocation)
            #expect(response.body.contains(text) && !response.body.contains(#""error""#), "\(response.body)", sourceLocation: sourceLocation)
        }

        /// The id is what the spec allows (visible ASCII, digest §1.3) and nothing readable:
        /// the client name it carries is sealed, not encoded.
        @Test func sessionIDIsAnOpaqueVisibleASCIIToken() async throws {
            try await GatewayHarness.with(Self.servers, sessions: Self.sealed()) { gateway in
                let session = try await initialize(RawHTTP(url: gateway.url))
                let id = try #require(session["Mcp-Session-Id"])
                #expect(id.utf8.allSatisfy { (0x21...0x7E).contains($0) })
                let decoded = try #require(Base64URL.decode(id))
                #expect(!String(decoding: decoded, as: UTF8.self).contains("sealing-test"))
            }
        }

        /// (a) Stop the gateway, start a new one with the same key: the next call with the same
        /// `Mcp-Session-Id` works without re-initialize.
        @Test func sessionSurvivesAGatewayRestart() async throws {
            let first = try await GatewayHarness.start(Self.servers, sessions: Self.sealed())
            let session: [String: String]
            do {
                let http = RawHTTP(url: first.url)
                session = try await initialize(http)
                expectEcho(try await echo(http, session, "before"), "before")
            } catch {
                await first.stop()
                throw error
            }
            await first.stop()

            try await GatewayHarness.with(Self.servers, sessions: Self.sealed()) { second in
                let http = RawHTTP(url: second.url)
                expectEcho(try await echo(http, session, "after the restart"), "after the restart")
                let list = try await http.post(#"{"jsonrpc":"2.0","id":8,"method":"tools/list"}"#, headers: session)
                #expect(list.status == 200 && list.body.contains("alpha__echo"), "\(list.body)")
                // Its GET stream opens too.
                let stream = try await RawHTTP(url: second.url).request("GET", headers: session.merging(["Accept": "text/event-stream"]) { $1 })
                #expect(stream.status == 200)
            }
        }

        /// With nothing configured (no `seal_keys`), the gateway keeps a key in its store:
        /// a 2025-11-25 session survives a `kill -9` and restart of `switchboard serve`.
        @Test func defaultConfigKeepsSessionsAcrossARestart() async throws {
            try PeerEnvironment.requirePeers()
            let port = try FreePort.next()
            let store = PeerEnvironment.temporaryFile("sealing.db")
            let config = try ConfigFile.write([Self.servers[0].serverConfig(port: nil)], listen: "127.0.0.1:\(port)", extra: "store: sqlite:\(store)\n")
            func launch() async throws -> ChildProcessRunner { try await Self.serve(config, port: port) }
            var gateway = try await launch()
            defer { gateway.stop() }
            let http = RawHTTP(url: "http://127.0.0.1:\(port)/mcp")
            let session = try await initialize(http)
            expectEcho(try await echo(http, session, "before"), "before")
            gateway.kill()
            _ = await gateway.wait(seconds: 5)
            gateway = try await launch()
            expectEcho(try await echo(http, session, "after a restart with nothing configured"), "after a restart with nothing configured")
        }

        /// (b) Two gateways at once with one key: initialize on A, call on B. (c) A gateway
        /// with another key does not know the id: 404, and the client re-initializes.
        @Test func anyReplicaWithTheKeyServesTheSession() async throws {
            try await GatewayHarness.with(Self.servers, sessions: Self.sealed()) { a in
                try await GatewayHarness.with(Self.servers, sessions: Self.sealed()) { b in
                    try await GatewayHarness.with(Self.servers, sessions: Self.sealed(Self.otherKey)) { stranger in
                        let session = try await initialize(RawHTTP(url: a.url))
                        expectEcho(try await echo(RawHTTP(url: b.url), session, "on replica B"), "on replica B")
                        expectEcho(try await echo(RawHTTP(url: a.url), session, "back on A"), "back on A")

                        let refused = try await echo(RawHTTP(url: stranger.url), session, "nope")
                        #expect(refused.status == 404, "\(refused.body)")
                        // Nor does a gateway without keys, which seals with a random one.
                        try await GatewayHarness.with([]) { unkeyed in
                            let unknown = try await echo(RawHTTP(url: unkeyed.url), session, "nope")
                            #expect(unknown.status == 404)
                        }
                    }
                }
            }
        }

        /// (d) DELETE ends the session although its id would still open: 404 afterwards, on
        /// the gateway that ended it, also for a session it had restored from the id.
        @Test func deleteEndsTheSessionForGood() async throws {
            try await GatewayHarness.with(Self.servers, sessions: Self.sealed()) { a in
                let http = RawHTTP(url: a.url)
                let session = try await initialize(http)
                expectEcho(try await echo(http, session, "live"), "live")
                #expect(try await http.request("DELETE", headers: session).status == 200)
                #expect(try await echo(http, session, "ended").status == 404)
                #expect(try await http.request("DELETE", headers: session).status == 404)

                try await GatewayHarness.with(Self.servers, sessions: Self.sealed()) { b in
                    let other = try await initialize(http)
                    let onB = RawHTTP(url: b.url)
                    expectEcho(try await echo(onB, other, "restored on B"), "restored on B")
                    #expect(try await onB.request("DELETE", headers: other).status == 200)
                    #expect(try await echo(onB, other, "ended on B").status == 404)
                }
            }
        }

        /// The official Python SDK client keeps its session while the gateway is replaced by a
        /// new one on the same address, and sampling still reaches it: the restored session
        /// remembers the capabilities the client declared.
        @Test func sdkClientKeepsItsSessionAcrossARestart() async throws {
            let first = try await GatewayHarness.start(Self.servers, sessions: Self.sealed())
            let port = first.port
            let resume = PeerEnvironment.temporaryFile("resume")
            defer { try? FileManager.default.removeItem(atPath: resume) }
            let client: ChildProcessRunner
            do {
                client = try ChildProcessRunner(
                    PeerEnvironment.python,
                    [PeerEnvironment.path("Tests/Peers/clients/resume_client.py"), "--url", first.url, "--server", "alpha",
                     "--resume-file", resume, "--protocol-version", Self.revision, "--timeout", "90"]
                )
                _ = try await client.waitForLine(prefix: "[resume] READY", seconds: 60)
            } catch {
                await first.stop()
                throw error
            }
            await first.stop()

            let second: GatewayHarness
            do {
                second = try await GatewayHarness.start(Self.servers, sessions: Self.sealed(), port: port)
            } catch {
                client.kill()
                throw error
            }
            _ = FileManager.default.createFile(atPath: resume, contents: Data())
            let status = await client.wait(seconds: 100)
            await second.stop()
            #expect(status == 0, "\(client.standardOutput.suffix(2000))\n\(client.standardError.suffix(4000))")
            #expect(client.standardOutput.contains(#""ok": true"#), "\(client.standardOutput)")
        }

        /// The same with real `switchboard serve` processes: a session opened on one is served
        /// by a second process holding the key, and by the first after it was killed and
        /// started again (a crash, not a graceful stop).
        @Test func sessionCrossesGatewayProcesses() async throws {
            try PeerEnvironment.requirePeers()
            let key = String(repeating: "p", count: 48)
            let (portA, portB) = (try FreePort.next(), try FreePort.next())
            func launch(_ port: Int) async throws -> ChildProcessRunner {
                let config = try ConfigFile.write(
                    [Self.servers[0].serverConfig(port: nil)], listen: "127.0.0.1:\(port)", extra: "sessions:\n  seal_keys: [\"${SEAL}\"]\n"
                )
                return try await Self.serve(config, port: port, environment: ["SEAL": key])
            }
            var a = try await launch(portA)
            let b: ChildProcessRunner
            do { b = try await launch(portB) } catch { a.stop(); throw error }
            defer { a.stop(); b.stop() }
            let httpA = RawHTTP(url: "http://127.0.0.1:\(portA)/mcp")
            let httpB = RawHTTP(url: "http://127.0.0.1:\(portB)/mcp")
            let session = try await initialize(httpA)
            #expect(try await echo(httpB, session, "on b").body.contains("on b"))
            a.kill()
            _ = await a.wait(seconds: 5)
            a = try await launch(portA)
            let again = try await echo(httpA, session, "after restart")
            #expect(again.status == 200, "\(again.body)")
            #expect(again.body.contains("after restart"))
        }
    }
}
