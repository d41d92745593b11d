import Foundation
import Switchboard
import SwitchboardCore
import SwitchboardStore
import Testing
import SwitchboardTesting

/// Identity, policy, virtual servers and quotas through a live gateway, seen by the official
/// Python SDK client of both eras: who sees which tools on every page, which calls pass, which
/// are refused and with what reason.
@Suite(.serialized)
struct GovernanceInteropTests {
    static let alphaTools = ["echo", "slow", "status", "ask_user", "summarize", "add_tool", "crash"].map { "alpha__" + $0 }
    static let notesTools = ["echo", "add", "now", "countdown", "word_count"].map { "notes__" + $0 }

    @Test func roleToolArgumentMatrix() async throws {
        var fixture = try GovernanceFixture()
        defer { fixture.remove() }
        try fixture.createKey("reader", roles: ["reader"])
        try fixture.createKey("agent-legacy", roles: ["agent"])
        try fixture.createKey("agent-modern", roles: ["agent"])
        try fixture.createKey("admin", roles: ["admin"])
        try fixture.createKey("ops", roles: ["admin"], virtualServers: ["ops"])
        let keys = fixture.keys
        try await GatewayHarness.with([GovernanceFixture.alpha], extra: [GovernanceFixture.notes], configure: fixture.apply) { gateway in
            // Agents: conditional allows keep tools listed; everything else is hidden on every
            // page of alpha's paginated list.
            for (mode, key) in [("legacy", "agent-legacy"), ("2026-07-28", "agent-modern")] {
                let agent = try await CallerView.run(url: gateway.url, key: keys[key], mode: mode, calls: [
                    ("alpha__echo", #"{"text":"short"}"#),
                    ("alpha__echo", #"{"text":"far too long to pass"}"#),
                    ("notes__add", #"{"a":5,"b":2}"#),
                    ("notes__add", #"{"a":500,"b":2}"#),
                    ("alpha__summarize", #"{"text":"x"}"#),
                    ("alpha__status", "{}"), ("alpha__status", "{}"), ("alpha__status", "{}"),
                ])
                #expect(agent.connectError == nil, "\(mode)")
                // Merged pages interleave servers, so order follows the pages: compare as sets.
                #expect(agent.tools.count == 4 && Set(agent.tools) == ["alpha__echo", "alpha__status", "notes__echo", "notes__add"], "\(mode)")
                #expect(agent.pages >= 4, "alpha's seven tools come two to a page: \(mode)")
                let calls = agent.calls
                try #require(calls.count == 8)
                #expect(calls[0].ok && calls[0].text == "short", "\(mode)")
                #expect(calls[1].code == -31010 && calls[1].data?["rule"] as? String == "default", "\(mode)")
                #expect(calls[1].data?["reason"] as? String == "policy_denied")
                #expect((calls[1].data?["policyVersion"] as? String)?.hasPrefix("fnv:") == true)
                #expect(calls[2].ok && calls[2].text?.contains("\"sum\":7") == true, "\(mode)")
                #expect(calls[3].code == -31010, "\(mode)")
                #expect(calls[4].code == -32602, "\(mode): a hidden tool is an unknown tool when called too")
                #expect(calls[5].ok && calls[6].ok, "\(mode): burst of two")
                #expect(calls[7].code == -31011, "\(mode): the third status call exceeds the bucket")
                #expect(calls[7].data?["limit"] as? String == "agent-status")
                #expect((calls[7].data?["retryAfterMs"] as? Int ?? 0) > 1_000_000, "one token an hour")
            }

            let reader = try await CallerView.run(url: gateway.url, key: keys["reader"], calls: [("notes__now", "{}"), ("alpha__echo", #"{"text":"hi"}"#)])
            #expect(reader.tools == Self.notesTools, "readers see the tools hinted read-only, on every page")
            #expect(reader.calls.map(\.ok) == [true, false])
            #expect(reader.calls.last?.code == -32602, "hidden from readers, so unknown to them")

            let admin = try await CallerView.run(url: gateway.url, key: keys["admin"], calls: [("alpha__crash", "{}"), ("alpha__echo", #"{"text":"anything long is fine here"}"#)])
            #expect(admin.tools.count == 11 && Set(admin.tools) == Set(Self.alphaTools.filter { $0 != "alpha__crash" } + Self.notesTools))
            #expect(admin.calls.first?.code == -32602, "no-crash hides it, so it is unknown")
            #expect(admin.calls.last?.ok == true)

            // A key limited to a virtual server: refused at /mcp, served at /mcp/ops with the
            // virtual server's tools only, in either era.
            let opsRoot = try await CallerView.run(url: gateway.url, key: keys["ops"])
            #expect(opsRoot.connectError?.contains("may not use /mcp") == true, "\(opsRoot.connectError ?? "connected")")
            for mode in ["legacy", "2026-07-28"] {
                let ops = try await CallerView.run(url: gateway.url + "/ops", key: keys["ops"], mode: mode, calls: [("notes__echo", #"{"text":"hi"}"#), ("alpha__echo", #"{"text":"hi"}"#)])
                #expect(ops.connectError == nil, "\(mode)")
                #expect(ops.tools == Self.notesTools, "\(mode)")
                #expect(ops.calls.first?.ok == true, "\(mode)")
                #expect(ops.calls.last?.code == -32602, "\(mode): outside the virtual server the tool does not exist")
            }

            let nobody = try await CallerView.run(url: gateway.url, key: nil)
            #expect(nobody.connectError?.contains("credentials required") == true, "\(nobody.connectError ?? "connected")")
            let stranger = try await CallerView.run(url: gateway.url, key: "sb_aaaaaaaaaaaa_" + String(repeating: "A", count: 43))
            #expect(stranger.connectError?.contains("unknown API key") == true, "\(stranger.connectError ?? "connected")")
        }
    }

    /// A key revoked by another process (the CLI writes the store) is refused on the caller's
    /// next request, within the directory's one-second reload, session or not.
    @Test func revokedKeyIsRefusedOnTheNextCall() async throws {
        var fixture = try GovernanceFixture()
        defer { fixture.remove() }
        try fixture.createKey("temp", roles: ["admin"])
        let key = try #require(fixture.keys["temp"])
        try await GatewayHarness.with([], extra: [GovernanceFixture.notes], configure: fixture.apply) { gateway in
            let http = RawHTTP(url: gateway.url)
            let auth = ["Authorization": "Bearer \(key)"]
            let opened = try await http.post(Self.initialize, headers: auth)
            #expect(opened.status == 200)
            let session = try #require(opened.headers["mcp-session-id"])
            let headers = auth.merging(["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"]) { a, _ in a }
            #expect(try await http.post(Self.listTools, headers: headers).status == 200)

            let other = try SQLiteStore(url: "sqlite:\(fixture.directory)/switchboard.db")
            _ = try other.revokeKey(nameOrID: "temp")
            let revokedAt = Date()
            // When the refused call was sent, not when its answer came: on a loaded machine the
            // last call's own round trip is no part of how long revocation took.
            let refused = try? await eventuallyValue("the revoked key refused", timeout: .seconds(3), every: .milliseconds(100)) { () async throws -> (RawHTTP.Response, Date)? in
                let sent = Date()
                let answer = try await http.post(Self.listTools, headers: headers)
                return answer.status == 401 ? (answer, sent) : nil
            }
            let (answer, sent) = try #require(refused, "the revoked key was still accepted after 3 s")
            #expect(sent.timeIntervalSince(revokedAt) < 3)
            #expect(answer.errorCode == -31013)
            #expect(answer.body.contains("revoked"))
            #expect(answer.headers["www-authenticate"]?.contains(#"error="invalid_token""#) == true)
            #expect(!answer.body.contains(key) && !(answer.headers["www-authenticate"] ?? "").contains(key))
        }
    }

    /// A keep-alive connection remembers the key it proved (its next requests skip the digest
    /// and the lookup); a revoke through the admin API, on another connection, is still refused
    /// on that connection's very next request.
    @Test func revokedKeyIsRefusedOnAKeptAliveConnection() async throws {
        var fixture = try GovernanceFixture()
        defer { fixture.remove() }
        try fixture.createKey("kept", roles: ["admin"])
        try fixture.createKey("operator", roles: ["switchboard:admin"])
        let key = try #require(fixture.keys["kept"])
        let admin = try #require(fixture.keys["operator"])
        try await GatewayHarness.with([], extra: [GovernanceFixture.notes], configure: fixture.apply) { gateway in
            let script = """
            import socket, sys, json, re, urllib.request
            port, key, admin = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            s = socket.create_connection(("127.0.0.1", port), timeout=20)
            def call(body, sid=None):
                h = "POST /mcp HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Type: application/json\\r\\nAccept: application/json\\r\\n"
                h += "Authorization: Bearer " + key + "\\r\\n"
                if sid: h += "Mcp-Session-Id: " + sid + "\\r\\nMCP-Protocol-Version: 2025-06-18\\r\\n"
                b = json.dumps(body).encode()
                s.sendall((h + "Content-Length: %d\\r\\n\\r\\n" % len(b)).encode() + b)
                data = b""
                while b"\\r\\n\\r\\n" not in data:
                    data += s.recv(65536)
                head, rest = data.split(b"\\r\\n\\r\\n", 1)
                length = int(re.search(rb"(?i)content-length: (\\d+)", head).group(1))
                while len(rest) < length:
                    rest += s.recv(65536)
                sid = re.search(rb"(?i)mcp-session-id: (\\S+)", head)
                return int(head.split(b" ")[1]), sid.group(1).decode() if sid else None, rest.decode()
            statuses = []
            status, sid, _ = call({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"kept","version":"1"}}})
            statuses.append(status)
            for i in range(3):
                statuses.append(call({"jsonrpc":"2.0","id":2+i,"method":"tools/list"}, sid)[0])
            revoke = urllib.request.Request("http://127.0.0.1:%d/admin/v1/keys/kept" % port, method="DELETE", headers={"Authorization": "Bearer " + admin})
            statuses.append(urllib.request.urlopen(revoke, timeout=20).status)
            status, _, body = call({"jsonrpc":"2.0","id":9,"method":"tools/list"}, sid)
            statuses.append(status)
            print(json.dumps({"statuses": statuses, "revoked": "revoked" in body}))
            """
            let child = try ChildProcessRunner(PeerEnvironment.python, ["-c", script, String(gateway.port), key, admin])
            #expect(await child.wait(seconds: 60) == 0, "\(child.standardError)")
            let output = child.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(output == #"{"statuses": [200, 200, 200, 200, 200, 401], "revoked": true}"#, "\(output) \(child.standardError)")
        }
    }

    /// JWT bearer tokens from an OIDC provider (a JWKS on loopback): the OAuth resource-server
    /// face (401 with the metadata URL, the RFC 9728 document, 403 for a missing scope) and a
    /// token's roles driving policy for the SDK client.
    @Test func jwtBearerTokensAsAnOAuthResourceServer() async throws {
        let issuer = try await TestIssuer.start()
        let resource = "https://gw.test/mcp"
        let yaml = """
            auth:
              resource: \(resource)
              jwt:
                issuer: \(TestIssuer.issuer)
                jwks_url: \(issuer.jwksURL)
                required_scopes: [mcp]
            policy:
              default: deny
              rules:
                - id: agents-echo
                  effect: allow
                  roles: [agent]
                  tools: [notes__echo]
            """
        let governed = try ConfigLoader.parse(yaml: yaml, path: "jwt.yaml", environment: [:])
        do {
            try await GatewayHarness.with([], extra: [GovernanceFixture.notes], configure: { config in
                config.auth = governed.auth
                config.policy = governed.policy
            }) { gateway in
                let http = RawHTTP(url: gateway.url)
                let missing = try await http.post(Self.initialize)
                #expect(missing.status == 401)
                let challenge = missing.headers["www-authenticate"] ?? ""
                #expect(challenge.hasPrefix("Bearer "))
                #expect(challenge.contains(#"resource_metadata="https://gw.test/.well-known/oauth-protected-resource/mcp""#), "\(challenge)")
                #expect(challenge.contains(#"scope="mcp""#))

                let metadata = try await RawHTTP(url: "http://127.0.0.1:\(gateway.port)/.well-known/oauth-protected-resource/mcp").request("GET")
                #expect(metadata.status == 200)
                #expect(metadata.json?["resource"] as? String == resource)
                #expect(metadata.json?["authorization_servers"] as? [String] == [TestIssuer.issuer])

                let good = try await issuer.token(["sub": "alice", "aud": resource, "roles": ["agent"], "scope": "mcp"])
                let view = try await CallerView.run(url: gateway.url, key: good, calls: [("notes__echo", #"{"text":"hi"}"#), ("notes__add", #"{"a":1,"b":2}"#)])
                #expect(view.connectError == nil)
                #expect(view.tools == ["notes__echo"])
                #expect(view.calls.map(\.ok) == [true, false])
                #expect(view.calls.last?.code == -32602, "hidden from this caller, so unknown to it")
                let modern = try await CallerView.run(url: gateway.url, key: good, mode: "2026-07-28", calls: [("notes__echo", #"{"text":"hi"}"#)])
                #expect(modern.tools == ["notes__echo"] && modern.calls.first?.ok == true)

                let unscoped = try await issuer.token(["sub": "alice", "aud": resource, "roles": ["agent"], "scope": "other"])
                let forbidden = try await http.post(Self.initialize, headers: ["Authorization": "Bearer \(unscoped)"])
                #expect(forbidden.status == 403)
                #expect(forbidden.headers["www-authenticate"]?.contains(#"error="insufficient_scope""#) == true)

                let elsewhere = try await issuer.token(["sub": "alice", "aud": "https://other.test/mcp", "scope": "mcp"])
                let wrongAudience = try await http.post(Self.initialize, headers: ["Authorization": "Bearer \(elsewhere)"])
                #expect(wrongAudience.status == 401)
                #expect(wrongAudience.headers["www-authenticate"]?.contains(#"error="invalid_token""#) == true)

                let stale = try await issuer.token(["sub": "alice", "aud": resource, "scope": "mcp", "exp": Int(Date().timeIntervalSince1970) - 3600])
                #expect(try await http.post(Self.initialize, headers: ["Authorization": "Bearer \(stale)"]).status == 401)
            }
        } catch {
            await issuer.shutdown()
            throw error
        }
        await issuer.shutdown()
    }

    /// The admin API: the policy in force, a dry run, and a key created and revoked with effect
    /// at once; only the admin role gets in.
    @Test func adminAPIDryRunsAndManagesKeys() async throws {
        var fixture = try GovernanceFixture()
        defer { fixture.remove() }
        try fixture.createKey("root", roles: ["switchboard:admin"])
        try fixture.createKey("agent", roles: ["agent"])
        let keys = fixture.keys
        try await GatewayHarness.with([], extra: [GovernanceFixture.notes], configure: fixture.apply) { gateway in
            let base = "http://127.0.0.1:\(gateway.port)/admin/v1/"
            let root = ["Authorization": "Bearer \(keys["root"]!)"]
            #expect(try await RawHTTP(url: base + "policy").request("GET", headers: ["Authorization": "Bearer \(keys["agent"]!)"]).status == 403)
            #expect(try await RawHTTP(url: base + "policy").request("GET").status == 401)
            let policy = try await RawHTTP(url: base + "policy").request("GET", headers: root)
            #expect(policy.status == 200)
            #expect((policy.json?["version"] as? String)?.hasPrefix("fnv:") == true)
            #expect(policy.json?["rules"] as? [String] == ["no-crash", "readers-read-only", "agents-short-echo", "agents-small-sums", "agents-status", "admins"])

            let dryRun = try await RawHTTP(url: base + "policy/test").post(#"{"as":"agent","tool":"notes__add","arguments":{"a":500,"b":1}}"#, headers: root)
            #expect(dryRun.status == 200)
            #expect(dryRun.json?["effect"] as? String == "deny")
            #expect(dryRun.json?["principal"] as? String == "key:agent")
            #expect((dryRun.json?["rules"] as? [Any])?.count == 6)
            let allowed = try await RawHTTP(url: base + "policy/test").post(#"{"principal":"jwt:alice","roles":["agent"],"tool":"notes__add","arguments":{"a":5}}"#, headers: root)
            #expect(allowed.json?["effect"] as? String == "allow" && allowed.json?["rule"] as? String == "agents-small-sums")

            let created = try await RawHTTP(url: base + "keys").post(#"{"name":"fresh","roles":["agent"]}"#, headers: root)
            #expect(created.status == 201)
            let fresh = try #require(created.json?["key"] as? String)
            let mcp = RawHTTP(url: gateway.url)
            #expect(try await mcp.post(Self.initialize, headers: ["Authorization": "Bearer \(fresh)"]).status == 200, "a new key works at once")
            let listed = try await RawHTTP(url: base + "keys").request("GET", headers: root)
            #expect(!listed.body.contains(fresh) && listed.body.contains("\"fresh\""), "listed by name, never by key")
            #expect(try await RawHTTP(url: base + "keys/fresh").request("DELETE", headers: root).status == 200)
            #expect(try await mcp.post(Self.initialize, headers: ["Authorization": "Bearer \(fresh)"]).status == 401, "a revoked key stops at once")
            #expect(try await RawHTTP(url: base + "keys/nobody").request("DELETE", headers: root).status == 404)
        }
    }

    static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#
    static let listTools = #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#
}
