import Foundation
import SwitchboardTesting
import Testing

extension Interop {
    /// The web console (`/console`) in real headless Chromium, driven with selenium
    /// (`Tests/Peers/clients/console_browser.py`): sign in with an admin key, see the servers and
    /// traffic, the catalogue, make and revoke a key, dry-run an allowed and a denied call,
    /// search the audit trail with the chain's status, see the connections, sign out.
    /// `SWITCHBOARD_CONSOLE_SCREENSHOTS=DIR` keeps one screenshot per page (docs/console.md's).
    @Suite struct ConsoleBrowserTests {
        static func requireBrowser() throws {
            try PeerEnvironment.requirePeers()
            for file in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: file) {
                throw HarnessError("\(file) is missing: scripts/test.sh installs Debian's chromium and chromium-driver")
            }
        }

        /// `console_browser.py` against the gateway at `base` with `arguments` (screenshots kept
        /// with `SWITCHBOARD_CONSOLE_SCREENSHOTS`): what it saw.
        static func browse(_ base: String, _ arguments: [String], seconds: Double = 120) async throws -> [String: Any] {
            var all = [PeerEnvironment.path("Tests/Peers/clients/console_browser.py"), "--url", base] + arguments
            if let directory = ProcessInfo.processInfo.environment["SWITCHBOARD_CONSOLE_SCREENSHOTS"] {
                all += ["--screenshots", directory]
            }
            let browser = try ChildProcessRunner(PeerEnvironment.python, all)
            #expect(await browser.wait(seconds: seconds) == 0, "\(browser.standardError)")
            return try #require(
                try JSONSerialization.jsonObject(with: Data(browser.standardOutput.utf8)) as? [String: Any], "\(browser.standardOutput)"
            )
        }

        @Test func anOperatorSignsInAndUsesEveryPage() async throws {
            try Self.requireBrowser()
            let setup = try DemoGatewayProcess(
                "console",
                extra: "auth:\n  api_keys: true\npolicy:\n  rules:\n    - id: no-countdown\n      effect: deny\n      tools: [clock__countdown]\n",
                labels: ["owner": "platform", "environment": "demo", "risk": "high"]
            )
            defer { setup.remove() }
            let admin = try await setup.createKey(name: "console-admin", role: "switchboard:admin")
            let agent = try await setup.createKey(name: "agent", role: "dev")
            let gateway = try await setup.serve()
            defer { gateway.stop() }

            // The files: no data, a policy that runs no inline script, nothing else served.
            let page = try await curl(setup.base + "/console", [])
            #expect(page.status == 200)
            #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
            #expect(page.headers["x-frame-options"] == "DENY")
            #expect(try await curl(setup.base + "/console/app.js", []).headers["content-type"] == "text/javascript; charset=utf-8")
            #expect(try await curl(setup.base + "/console/nothing-here", []).status == 404)
            #expect(try await curl(setup.base + "/console", ["-X", "POST"]).status == 405)

            // Three calls for the overview's figures and the audit search to find.
            let http = RawHTTP(url: setup.base + "/mcp")
            let headers = ["X-API-Key": agent, "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "clock__add"]
            for id in 1...3 {
                let answer = try await http.post(
                    #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"clock__add","arguments":{"a":2,"b":3},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"console-test","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}"#,
                    headers: headers
                )
                #expect(answer.body.contains("sum"), "\(answer.status) \(answer.body)")
            }

            let seen = try await Self.browse(
                setup.base,
                ["--key", admin, "--wrong-key", "sb_not-a-key", "--tool", "clock__add", "--denied-tool", "clock__countdown"],
                seconds: 180
            )
            #expect((seen["wrong_key"] as? String)?.contains("not accepted") == true, "\(seen)")
            #expect(seen["signed_in_as"] as? String == "Signed in as key:console-admin")
            #expect(seen["servers_ready"] as? String == "1 / 1")
            #expect(seen["overview_servers"] as? [String] == ["clock"])
            #expect(seen["overview_states"] as? [String] == ["ready"])
            #expect(seen["error_rate"] as? String == "0.0 %", "\(seen)")
            #expect((seen["rate_window"] as? String)?.hasPrefix("last ") == true, "\(seen)")
            #expect((seen["p50"] as? String).map { $0.hasSuffix("ms") || $0.hasSuffix("µs") } == true, "\(seen)")
            let tools = seen["catalogue_tools"] as? [String] ?? []
            #expect(tools.contains("clock__add") && !tools.contains("clock__countdown"), "\(tools)")
            #expect((seen["created_key_prefix"] as? String)?.hasPrefix("sb_") == true)
            #expect(seen["revoked"] as? String == "Revoked console-made.")
            #expect((seen["dry_run_allowed"] as? String)?.hasPrefix("allow allowed by the default") == true, "\(seen)")
            #expect((seen["dry_run_denied"] as? String)?.contains("denied by rule no-countdown") == true, "\(seen)")
            #expect((seen["chain"] as? String)?.hasPrefix("The chain holds") == true, "\(seen)")
            #expect(seen["audit_rows"] as? Int == 3, "\(seen)")
            let record = seen["audit_record"] as? [String: Any] ?? [:]
            #expect(record["event"] as? String == "call.end" && record["tool"] as? String == "clock__add", "\(record)")
            #expect(record["principal"] as? String == "key:agent" && record["outcome"] as? String == "ok", "\(record)")
            #expect((seen["connections"] as? [String])?.first?.hasPrefix("clock ready http") == true, "\(seen)")
            #expect(seen["connection_labels"] as? [String] == ["environment: demo", "owner: platform", "risk: high"], "\(seen)")
            let pins = seen["pins"] as? [String] ?? []
            #expect(pins.contains("clock/add") && pins.contains("clock/countdown"), "\(seen)")
            #expect((seen["no_approvals"] as? String)?.contains("No calls wait for approval.") == true, "\(seen)")
            #expect((seen["without_reason"] as? String)?.hasPrefix("Give a reason first") == true, "\(seen)")
            #expect(seen["rejected"] as? String == "Rejected clock/countdown.", "\(seen)")
            #expect(seen["approved"] as? String == "Approved clock/countdown.", "\(seen)")
            #expect(seen["pin_state"] as? String == "approved", "\(seen)")
            #expect((seen["diff"] as? String)?.contains(#""name":"add""#) == true, "\(seen)")
            #expect(seen["token_after_sign_out"] is NSNull, "\(seen)")

            // What the console did is on the trail: the key made and revoked through it.
            let audit = try await curl(setup.base + "/admin/v1/audit?event=admin.action", ["-H", "Authorization: Bearer \(admin)"])
            #expect(audit.body.contains("POST /admin/v1/keys") && audit.body.contains("DELETE /admin/v1/keys/"), "\(audit.body)")
            // Every record about a labelled server carries its labels.
            let calls = try await curl(setup.base + "/admin/v1/audit?event=call.end", ["-H", "Authorization: Bearer \(admin)"])
            #expect(calls.body.contains(#""server":"clock","server_labels":{"environment":"demo","owner":"platform","risk":"high"}"#), "\(calls.body)")
        }
        /// Single sign-on: the console as an OAuth client of the provider `auth.jwt` trusts (the
        /// test authorization server issuing JWTs): a user without an admin role is turned away
        /// with the reason, one with it is signed in, and the token leaves the address bar.
        @Test func singleSignOnThroughTheProvider() async throws {
            try Self.requireBrowser()
            let provider = try await OAuthServerPeer.start(jwtRoles: ["alice": ["switchboard:admin"], "bob": ["dev"]])
            defer { provider.stop() }
            let setup = try DemoGatewayProcess("console-sso")
            defer { setup.remove() }
            let registration = try await curl(provider.base + "/register", [
                "-X", "POST", "-H", "Content-Type: application/json", "-d",
                #"{"redirect_uris":["\#(setup.base)/console/oidc/callback"],"token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"],"response_types":["code"],"scope":"mcp","client_name":"Switchboard console"}"#,
            ])
            let client = try #require(
                (try? JSONSerialization.jsonObject(with: Data(registration.body.utf8)) as? [String: Any])?["client_id"] as? String, "\(registration.body)"
            )
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: setup.config))
            handle.seekToEndOfFile()
            handle.write(Data("""
                public_url: \(setup.base)
                auth:
                  resource: \(setup.base)/mcp
                  jwt:
                    issuer: \(provider.base)
                    jwks_url: \(provider.base)/jwks
                console:
                  oidc:
                    client_id: \(client)
                    scopes: [mcp]
                    name: Test provider

                """.utf8))
            try handle.close()
            let gateway = try await setup.serve()
            defer { gateway.stop() }

            #expect(try await curl(setup.base + "/console/sign-in.json", []).body == #"{"oidc":{"name":"Test provider"}}"#)
            // A callback this browser did not start (a forged sign-in link) goes nowhere.
            let forged = try await curl(setup.base + "/console/oidc/callback?code=stolen&state=guessed", [])
            #expect(forged.status == 302 && forged.headers["location"]?.contains("not%20started%20in%20this%20browser") == true, "\(forged.headers)")

            let seen = try await Self.browse(setup.base, ["--sso-user", "alice", "--sso-refused-user", "bob"])
            #expect(seen["provider_page"] as? String == provider.base + "/login", "\(seen)")
            #expect((seen["refused"] as? String)?.contains("without an admin role") == true, "\(seen)")
            #expect(seen["signed_in_as"] as? String == "Signed in as jwt:alice", "\(seen)")
            #expect(seen["address_after"] as? String == setup.base + "/console#/overview", "\(seen)")
            #expect(seen["servers_ready"] as? String == "1 / 1")
        }
        /// Without `auth` (a loopback gateway, the quick start) the console opens at once, says
        /// why, and offers no sign-out.
        @Test func aGatewayWithoutAuthOpensWithoutSignIn() async throws {
            try Self.requireBrowser()
            let setup = try DemoGatewayProcess("console-open")
            defer { setup.remove() }
            let gateway = try await setup.serve()
            defer { gateway.stop() }
            let seen = try await Self.browse(setup.base, ["--open"])
            #expect(seen["who"] as? String == "Open: this gateway checks no credentials (loopback only)", "\(seen)")
            #expect(seen["sign_out_shown"] as? Bool == false && seen["sign_in_form"] as? Bool == false, "\(seen)")
        }
    }
}
