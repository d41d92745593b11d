import Foundation
import Logging
import NIOPosix
import Switchboard
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardIdentity
import SwitchboardStore
import SwitchboardTesting
import Testing

/// `credentials.delegated` on a live gateway: each caller (an API key) reaches the server with
/// the token stored for it, a caller without one is refused before anything is sent, and the
/// admin API sets, lists and removes tokens with effect on the next call.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct DelegatedCredentialsInteropTests {
    static let sealKey = "a seal key of at least thirty-two characters"
    static let aliceToken = "alice-crm-token-0b7e5d"
    static let bobToken = "bob-crm-token-93c1aa"

    struct Caller {
        let gateway: RawHTTP
        let key: String
        var headers: [String: String] = [:]

        mutating func open() async throws {
            let auth = ["Authorization": "Bearer \(key)"]
            let opened = try await gateway.post(
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
                headers: auth
            )
            let session = try #require(opened.headers["mcp-session-id"], "\(opened.status) \(opened.body)")
            headers = auth.merging(["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"]) { a, _ in a }
            _ = try await gateway.post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, headers: headers)
        }

        func call() async throws -> RawHTTP.Response {
            try await gateway.post(#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"crm__lookup","arguments":{}}}"#, headers: headers)
        }
    }

    @Test func eachCallerReachesTheServerWithItsOwnToken() async throws {
        let folder = PeerEnvironment.temporaryFile("delegated")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let storeURL = "sqlite:\(folder)/switchboard.db"
        let store = try SQLiteStore(url: storeURL)
        func key(_ name: String, roles: [String] = []) throws -> String {
            try store.createKey(name: name, roles: roles, tenant: nil, virtualServers: nil, expiresAt: nil).key
        }
        let (alice, bob, carol, admin) = try (key("alice"), key("bob"), key("carol"), key("ops", roles: ["switchboard:admin"]))
        // Alice's token is in the store before the gateway starts, as `switchboard credentials set` leaves it.
        let sealer = try #require(DelegatedCredentialSealer(sealKeys: [Self.sealKey]))
        try store.setDelegated(
            principal: "key:alice", server: "crm", sealed: sealer.seal(Self.aliceToken, principal: "key:alice", server: "crm", expiresAt: nil),
            expiresAt: nil
        )

        let upstream = try await TestHTTPServer.start(group: MultiThreadedEventLoopGroup.singleton) { UpstreamCredentialsInteropTests.answer($0, $1) }
        let (runtime, port) = try await Self.startGateway(store: storeURL, upstreamPort: upstream.port)
        let gateway = RawHTTP(url: "http://127.0.0.1:\(port)/mcp")
        let adminAPI = AdminClient(base: "http://127.0.0.1:\(port)/admin/v1", key: admin)
        let calls = { upstream.requests.filter { $0.body.contains("tools/call") } }
        do {
            // Bob's token arrives through the admin API while the gateway runs.
            let put = try await adminAPI.send("PUT", "credentials", body: #"{"principal":"key:bob","server":"crm","token":"\#(Self.bobToken)","expires":"30d"}"#)
            #expect(put.status == 204, "\(put.body)")
            let refusedPut = try await adminAPI.send("PUT", "credentials", body: #"{"principal":"key:bob","server":"other","token":"x"}"#)
            #expect(refusedPut.status == 400 && refusedPut.body.contains("configured with credentials.delegated"), "\(refusedPut.body)")

            var aliceCaller = Caller(gateway: gateway, key: alice)
            var bobCaller = Caller(gateway: gateway, key: bob)
            var carolCaller = Caller(gateway: gateway, key: carol)
            try await aliceCaller.open()
            try await bobCaller.open()
            try await carolCaller.open()

            let aliceAnswer = try await aliceCaller.call()
            #expect(aliceAnswer.body.contains("found"), "\(aliceAnswer.body)")
            let bobAnswer = try await bobCaller.call()
            #expect(bobAnswer.body.contains("found"), "\(bobAnswer.body)")
            #expect(calls().map { $0.headerValues("Authorization") } == [["Bearer \(Self.aliceToken)"], ["Bearer \(Self.bobToken)"]])

            let carolAnswer = try await carolCaller.call()
            #expect(carolAnswer.errorCode == -31001, "\(carolAnswer.body)")
            #expect(carolAnswer.body.contains("no delegated credential for key:carol on crm"), "\(carolAnswer.body)")
            #expect(calls().count == 2, "nothing was sent for carol")

            // The gateway's own requests carry no Authorization; no caller's key ever travels.
            for request in upstream.requests where !request.body.contains("tools/call") {
                #expect(request.header("Authorization") == nil, "\(request.body)")
            }
            for request in upstream.requests {
                for (name, value) in request.headers {
                    #expect(![alice, bob, carol, admin].contains { value.contains($0) }, "a caller's key travelled upstream in \(name)")
                }
            }

            let listed = try await adminAPI.send("GET", "credentials")
            #expect(listed.status == 200)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.body.utf8)) as? [[String: Any]], "\(listed.body)")
            #expect(Set(rows.compactMap { $0["principal"] as? String }) == ["key:alice", "key:bob"])
            #expect(rows.first { $0["principal"] as? String == "key:bob" }?["expiresAt"] is String)
            #expect(rows.first { $0["principal"] as? String == "key:alice" }?["expiresAt"] is NSNull)
            #expect(!listed.body.contains(Self.aliceToken) && !listed.body.contains(Self.bobToken))

            // Removal applies to the very next call.
            let removed = try await adminAPI.send("DELETE", "credentials/crm/key%3Abob")
            #expect(removed.status == 204, "\(removed.body)")
            let again = try await adminAPI.send("DELETE", "credentials/crm/key:bob")
            #expect(again.status == 404, "\(again.body)")
            let bobRefused = try await bobCaller.call()
            #expect(bobRefused.errorCode == -31001, "\(bobRefused.body)")
            #expect(bobRefused.body.contains("no delegated credential for key:bob on crm"), "\(bobRefused.body)")
            let aliceAgain = try await aliceCaller.call()
            #expect(aliceAgain.body.contains("found"), "\(aliceAgain.body)")
            #expect(calls().count == 3)
            #expect(calls().last?.headerValues("Authorization") == ["Bearer \(Self.aliceToken)"])

            // Nothing but ciphertext went to disk.
            var bytes = Data()
            for suffix in ["", "-wal"] { bytes += FileManager.default.contents(atPath: "\(folder)/switchboard.db\(suffix)") ?? Data() }
            #expect(bytes.range(of: Data(Self.aliceToken.utf8)) == nil && bytes.range(of: Data(Self.bobToken.utf8)) == nil)

            // Non-admins cannot touch the tokens.
            let forbidden = try await AdminClient(base: adminAPI.base, key: alice).send("GET", "credentials")
            #expect(forbidden.status == 403)
        } catch {
            try? await runtime.shutdown()
            try? await upstream.shutdown()
            throw error
        }
        try await runtime.shutdown()
        try await upstream.shutdown()
    }

    /// A token set by another process (the CLI) is used once the gateway's poll sees it.
    @Test func aTokenStoredByAnotherProcessIsPickedUp() async throws {
        let folder = PeerEnvironment.temporaryFile("delegated-poll")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let storeURL = "sqlite:\(folder)/switchboard.db"
        let store = try SQLiteStore(url: storeURL)
        let alice = try store.createKey(name: "alice", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil).key
        let upstream = try await TestHTTPServer.start(group: MultiThreadedEventLoopGroup.singleton) { UpstreamCredentialsInteropTests.answer($0, $1) }
        let (runtime, port) = try await Self.startGateway(store: storeURL, upstreamPort: upstream.port)
        do {
            var caller = Caller(gateway: RawHTTP(url: "http://127.0.0.1:\(port)/mcp"), key: alice)
            try await caller.open()
            #expect(try await caller.call().errorCode == -31001)

            // Another connection to the file, as `switchboard credentials set` opens it.
            let cli = try SQLiteStore(url: storeURL)
            let sealer = try #require(DelegatedCredentialSealer(sealKeys: [Self.sealKey]))
            try cli.setDelegated(
                principal: "key:alice", server: "crm", sealed: sealer.seal(Self.aliceToken, principal: "key:alice", server: "crm", expiresAt: nil),
                expiresAt: nil
            )
            let stored = try? await eventuallyValue("the stored token in use", timeout: .seconds(10), every: .milliseconds(200)) { () async throws -> RawHTTP.Response? in
                let answer = try await caller.call()
                return answer.errorCode == -31001 ? nil : answer
            }
            let answer: RawHTTP.Response
            if let stored { answer = stored } else { answer = try await caller.call() }
            #expect(answer.body.contains("found"), "\(answer.body)")
            #expect(upstream.requests.filter { $0.body.contains("tools/call") }.last?.headerValues("Authorization") == ["Bearer \(Self.aliceToken)"])
        } catch {
            try? await runtime.shutdown()
            try? await upstream.shutdown()
            throw error
        }
        try await runtime.shutdown()
        try await upstream.shutdown()
    }

    /// A gateway with `crm` (at `upstreamPort`, credentials `delegated`), keys required, the
    /// store at `store` and the test's seal key; started and its server ready.
    static func startGateway(store: String, upstreamPort: Int) async throws -> (GatewayRuntime, Int) {
        var crm = ServerConfig(
            name: "crm", transport: .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: upstreamPort, pathAndQuery: "/mcp")), credentials: .delegated
        )
        crm.era = .legacy
        let config = GatewayConfig(
            listen: ListenAddress(host: "127.0.0.1", port: 0), store: store, servers: [crm],
            sessions: SessionsConfig(sealKeys: [SealSecret(sealKey)]), auth: AuthConfig(anonymous: false)
        )
        var logger = Logger(label: "switchboard.test")
        logger.logLevel = .critical
        let runtime = try GatewayRuntime(config: config, logger: logger, threads: 2)
        let port = try await runtime.start()
        await runtime.waitForServers(seconds: 10)
        return (runtime, port)
    }

    /// Without `seal_keys`, delegated tokens are sealed with the key the store keeps.
    @Test func withoutSealKeysTheStoresKeySealsDelegatedTokens() async throws {
        let crm = ServerConfig(name: "crm", transport: .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: 1, pathAndQuery: "/mcp")), credentials: .delegated)
        let config = GatewayConfig(listen: ListenAddress(host: "127.0.0.1", port: 0), store: "sqlite::memory:", servers: [crm])
        let runtime = try GatewayRuntime(config: config, logger: Logger(label: "test"), threads: 1)
        #expect(runtime.config.sessions.sealKeys.count == 1)
        try await runtime.shutdown()
    }
}

/// The admin API through curl, with any method and a JSON body.
struct AdminClient {
    let base: String
    let key: String

    func send(_ method: String, _ path: String, body: String? = nil) async throws -> RawHTTP.Response {
        var arguments = ["-s", "-X", method, "--max-time", "10", "-H", "Authorization: Bearer \(key)", "-w", "\n%{http_code}"]
        var bodyFile: String?
        if let body {
            let file = PeerEnvironment.temporaryFile("admin.json")
            try body.write(toFile: file, atomically: true, encoding: .utf8)
            bodyFile = file
            arguments += ["-H", "Content-Type: application/json", "--data-binary", "@\(file)"]
        }
        defer { if let bodyFile { try? FileManager.default.removeItem(atPath: bodyFile) } }
        let child = try ChildProcessRunner("/usr/bin/curl", arguments + [base + "/" + path])
        _ = await child.wait(seconds: 20)
        let output = child.standardOutput
        let split = output.lastIndex(of: "\n").map { (String(output[..<$0]), String(output[output.index(after: $0)...])) } ?? ("", output)
        return RawHTTP.Response(status: Int(split.1) ?? 0, headers: [:], body: split.0)
    }
}
