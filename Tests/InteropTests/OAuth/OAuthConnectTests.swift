import Foundation
import Switchboard
import SwitchboardCore
import SwitchboardTesting
import Testing

extension Interop {
    /// `credentials.oauth` end to end with the `switchboard` binary: an MCP server protected by
    /// the Python SDK's authorization server is unavailable until an administrator opens the
    /// link `switchboard connect` prints; the gateway discovers, registers, sends the browser
    /// to consent with PKCE, takes the callback, stores the token sealed and refreshes it; a
    /// revoked authorization leads back to "not connected". Links and answers are single-use,
    /// altered ones are refused, and no token or code ever reaches the logs.
    @Suite struct OAuthConnectTests {
        /// `switchboard serve --log-level debug` with one server, `secure`, the peer's MCP
        /// endpoint with `credentials.oauth: OAUTH`; with `keys`, API keys of those names made
        /// first (and `auth.api_keys` on).
        struct Served {
            let gateway: ChildProcessRunner
            let base: String
            let config: String
            let keys: [String]
            let directory: String

            func stop() {
                gateway.stop()
                try? FileManager.default.removeItem(atPath: directory)
            }
        }

        static func serve(_ peer: OAuthServerPeer, oauth: String, keys names: [String] = []) async throws -> Served {
            let directory = PeerEnvironment.temporaryFile("oauth-connect")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let port = try FreePort.next()
            let config = directory + "/switchboard.yaml"
            try """
                listen: 127.0.0.1:\(port)
                store: sqlite:\(directory)/switchboard.db
                \(names.isEmpty ? "" : "auth:\n  api_keys: true")
                sessions:
                  seal_keys: ["an oauth test seal key of 32+ characters"]
                servers:
                  secure:
                    url: \(peer.mcp)
                    credentials:
                      oauth: \(oauth)
                    restart: {initial_backoff: 100ms, max_backoff: 500ms}
                """.write(toFile: config, atomically: true, encoding: .utf8)
            var keys: [String] = []
            for name in names {
                let made = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["keys", "create", "--config", config, "--name", name])
                #expect(await made.wait(seconds: 30) == 0, "\(made.standardError)")
                keys.append(made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            let gateway = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["serve", "--config", config, "--log-level", "debug"])
            let base = "http://127.0.0.1:\(port)"
            try await eventually("the gateway to listen", timeout: .seconds(30), every: .milliseconds(50)) {
                (try? await curl(base + "/healthz", [], maxTime: 1))?.status == 200
            }
            return Served(gateway: gateway, base: base, config: config, keys: keys, directory: directory)
        }

        @Test func connectsOnceRefreshesAndLosesARevokedAuthorization() async throws {
            let peer = try await OAuthServerPeer.start(tokenTTL: 3)
            defer { peer.stop() }
            let served = try await Self.serve(peer, oauth: "{}")
            defer { served.stop() }
            let (gateway, base, config) = (served.gateway, served.base, served.config)
            let before = try await curl(base + "/readyz", [])
            #expect(before.body.contains("switchboard connect secure"), "\(before.body)")

            func link() async throws -> String {
                let command = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["connect", "secure", "--config", config])
                #expect(await command.wait(seconds: 30) == 0, "\(command.standardError)")
                return command.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let consentLink = try await link()
            #expect(consentLink.hasPrefix("\(base)/connect/secure?ticket="))

            // The browser: the gateway's link, the authorization server's login, back to the gateway.
            let start = try await curl(consentLink, [])
            let authorize = try #require(start.headers["location"], "\(start.status) \(start.body)")
            #expect(authorize.hasPrefix("\(peer.base)/authorize?") && authorize.contains("code_challenge_method=S256") && authorize.contains("resource="))
            let back = try await peer.consent(authorizationURL: authorize, as: "alice")
            #expect(back.hasPrefix("\(base)/oauth/callback?"))
            let done = try await curl(back, [])
            #expect(done.status == 200 && done.body.contains("Connected"), "\(done.status) \(done.body)")

            // Single-use, and not to be altered.
            #expect(try await curl(consentLink, []).status == 403, "a used link")
            #expect(try await curl(back, []).status == 403, "a used answer")
            var tampered = consentLink
            tampered.removeLast()
            tampered += consentLink.last == "A" ? "B" : "A"
            #expect(try await curl(tampered, []).status == 403, "an altered link")
            #expect(try await curl(base + "/oauth/callback?code=x&state=forged", []).status == 403, "a forged state")

            try await eventually("the server ready", timeout: .seconds(20), every: .milliseconds(100)) {
                (try? await curl(base + "/readyz", []))?.body.contains(#""name":"secure","transport":"http","state":"ready""#) == true
            }
            for mode in ["legacy", "2026-07-28"] {
                let call = try await GatewayHarness.session(url: base + "/mcp", mode: mode, tool: "secure__whoami")
                #expect(call.contains(#""result": "alice""#), "\(mode): \(call)")
            }
            // Access tokens live 3 s: calls 5 s later work only if the gateway refreshed.
            try await Task.sleep(for: .seconds(5))
            let later = try await GatewayHarness.session(url: base + "/mcp", mode: "legacy", tool: "secure__whoami")
            #expect(later.contains(#""result": "alice""#), "\(later)")

            // The user revokes the app: the next refresh fails and the gateway says so.
            try await peer.revoke(user: "alice")
            try await eventually("the connection lost", timeout: .seconds(15), every: .milliseconds(200)) {
                (try? await curl(base + "/readyz", []))?.body.contains("switchboard connect secure") == true
            }

            gateway.stop()
            let logs = gateway.standardOutput + gateway.standardError
            #expect(logs.contains("OAuth connected") && logs.contains("OAuth token refreshed"), "\(logs.suffix(3000))")
            for secret in ["at_", "rt_", "code=", "code_verifier"] {
                #expect(!logs.contains(secret), "\(secret) in the logs")
            }
        }
    }
}

extension Interop.OAuthConnectTests {
    /// Step-up: consent gave less than the server requires, so it answers 403
    /// `insufficient_scope`; the gateway says an administrator must authorize again, and the
    /// next consent (asking for the scopes the server lists) makes it ready.
    @Test func asksForMoreScopeWhenTheServerSaysSo() async throws {
        let peer = try await OAuthServerPeer.start(requiredScopes: ["admin"])
        defer { peer.stop() }
        let directory = PeerEnvironment.temporaryFile("oauth-step-up")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try FreePort.next()
        var config = GatewayConfig()
        config.listen = ListenAddress(host: "127.0.0.1", port: port)
        config.store = "sqlite:\(directory)/switchboard.db"
        config.sessions.sealKeys = [SealSecret("an oauth step-up test seal key, 32+ chars")]
        let gateway = try await GatewayHarness.start(
            [], extra: [ServerConfig(name: "secure", transport: .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: peer.port, pathAndQuery: "/mcp")),
                                     credentials: .oauth(OAuthAuthorizationConfig()))],
            port: port, configure: { $0.store = config.store; $0.sessions = config.sessions }
        )
        do {
            func consent(granting: [String]?) async throws {
                let link = try GatewayRuntime.consentLink(config: gateway.runtime.config, server: "secure")
                let authorize = try #require(try await curl(link, []).headers["location"])
                #expect(authorize.contains("scope=mcp%20admin"), "the scopes the server lists are asked for: \(authorize)")
                let back = try await peer.consent(authorizationURL: authorize, as: "alice", granting: granting)
                #expect(try await curl(back, []).status == 200)
            }
            try await consent(granting: ["mcp"])
            let status = try await eventuallyValue("the step-up asked for", timeout: .seconds(20)) { () -> String? in
                let line = gateway.runtime.serverStatuses.first?.oauth ?? ""
                return line.contains("needs more scope") ? line : nil
            }
            #expect(status.contains("switchboard connect secure"), "\(status)")
            #expect(gateway.runtime.serverStatuses.first?.state != "ready")

            try await consent(granting: nil)
            try await eventually("the server ready", timeout: .seconds(20)) { gateway.runtime.serverStatuses.first?.state == "ready" }
            let connected = gateway.runtime.serverStatuses.first?.oauth ?? ""
            #expect(connected.hasPrefix("OAuth connected") && !connected.contains("needs more scope"), "\(connected)")
            let call = try await gateway.session(mode: "legacy", tool: "secure__whoami")
            #expect(call.contains(#""result": "alice""#), "\(call)")
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }
}

extension Interop.OAuthConnectTests {
    /// `mode: per_user`: each caller connects its own account when the gateway asks through the
    /// protocol (URL elicitation in 2026-07-28 and 2025-11-25, a tool error carrying the link
    /// for a client without URL elicitation), then reaches the server with its own identity
    /// over an upstream session of its own; the gateway's own connection reads the catalogue.
    @Test func everyCallerConnectsItsOwnAccount() async throws {
        let peer = try await OAuthServerPeer.start()
        defer { peer.stop() }
        let served = try await Self.serve(peer, oauth: "{ mode: per_user }", keys: ["alice", "bob", "carol"])
        defer { served.stop() }
        let (gateway, base, config) = (served.gateway, served.base, served.config)
        let keys = (alice: served.keys[0], bob: served.keys[1], carol: served.keys[2])

        // An administrator connects the gateway's own account: it reads the catalogue.
        let admin = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["connect", "secure", "--config", config])
        #expect(await admin.wait(seconds: 30) == 0)
        let adminLink = admin.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let authorize = try #require(try await curl(adminLink, []).headers["location"])
        #expect(try await curl(try await peer.consent(authorizationURL: authorize, as: "catalogue-reader"), []).status == 200)
        try await eventually("the server ready", timeout: .seconds(20), every: .milliseconds(100)) {
            (try? await curl(base + "/readyz", []))?.body.contains(#""name":"secure","transport":"http","state":"ready""#) == true
        }

        func call(_ key: String, mode: String, user: String, elicitation: Bool = true) async throws -> [String: Any] {
            var arguments = [PeerEnvironment.path("Tests/Peers/clients/connect_account.py"), "--url", base + "/mcp", "--mode", mode, "--api-key", key,
                             "--tool", "secure__whoami", "--user", user]
            if !elicitation { arguments.append("--no-elicitation") }
            let child = try ChildProcessRunner(PeerEnvironment.python, arguments)
            let status = await child.wait(seconds: 60)
            #expect(status == 0, "\(child.standardOutput)\n\(child.standardError.suffix(3000))")
            let line = child.standardOutput.split(separator: "\n").last.map(String.init) ?? "{}"
            return try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        }
        let alice = try await call(keys.alice, mode: "2026-07-28", user: "alice-upstream")
        #expect(alice["asked"] as? String == "url-elicitation" && alice["result"] as? String == "alice-upstream", "\(alice)")
        let bob = try await call(keys.bob, mode: "legacy", user: "bob-upstream")
        #expect(bob["asked"] as? String == "error-32042" && bob["result"] as? String == "bob-upstream", "\(bob)")
        let carol = try await call(keys.carol, mode: "legacy", user: "carol-upstream", elicitation: false)
        #expect(carol["asked"] as? String == "tool-error" && carol["result"] as? String == "carol-upstream", "\(carol)")
        // Connected once: no question the second time, each with its own identity.
        let again = try await call(keys.alice, mode: "legacy", user: "nobody")
        #expect(again["asked"] is NSNull && again["result"] as? String == "alice-upstream", "\(again)")

        let ready = try await curl(base + "/readyz", [])
        #expect(ready.body.contains("3 caller(s) connected"), "\(ready.body)")
        let listed = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["credentials", "list", "--config", config])
        #expect(await listed.wait(seconds: 30) == 0)
        for principal in ["gateway", "key:alice", "key:bob", "key:carol"] {
            #expect(listed.standardOutput.contains(principal), "\(listed.standardOutput)")
        }
        gateway.stop()
        let logs = gateway.standardOutput + gateway.standardError
        for secret in ["at_", "rt_", "code=", "ticket="] {
            #expect(!logs.contains(secret), "\(secret) in the logs")
        }
    }
}
