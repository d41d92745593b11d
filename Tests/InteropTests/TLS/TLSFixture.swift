import Foundation
import Switchboard
import SwitchboardCore
import SwitchboardIdentity
import SwitchboardStore

@testable import SwitchboardDemo

/// The mutual-TLS test setup: a CA the gateway trusts and one it does not, the gateway's
/// certificate, client certificates, an API key, and a policy that lets each of them see a
/// different tool of the demo server, so `tools/list` tells who the gateway thinks is calling.
struct TLSFixture {
    static let policy = """
        auth:
          anonymous: false
          certificates:
            roles_from: organizational_unit
            tenant_from: organization
        policy:
          default: deny
          rules:
            - id: agent-7
              effect: allow
              principals: ["cert:agent-7"]
              tools: [notes__echo]
            - id: operators
              effect: allow
              roles: [ops]
              tools: [notes__now]
            - id: acme
              effect: allow
              tenants: [acme]
              tools: [notes__word_count]
            - id: key-holders
              effect: allow
              principals: ["key:*"]
              tools: [notes__add]
        """

    /// The demo server over stdio: tools echo, add, now, countdown, word_count.
    static let notes = ServerConfig(
        name: "notes",
        transport: .stdio(StdioLaunch(command: PeerEnvironment.switchboardBinary, args: ["demo-server", "--transport", "stdio", "--name", "notes"]))
    )

    let directory: String
    let authority: TestCertificateAuthority
    let stranger: TestCertificateAuthority
    let server: TestCertificateAuthority.Issued
    /// CN agent-7, OU agents: allowed notes__echo by name.
    let agent7: TestCertificateAuthority.Issued
    /// CN agent-9, OU ops, O acme: notes__now by role, notes__word_count by tenant.
    let agent9: TestCertificateAuthority.Issued
    /// CN agent-7 too, but from a CA the gateway does not trust.
    let impostor: TestCertificateAuthority.Issued
    /// An API key (`key:ci`), allowed notes__add.
    let apiKey: String

    init() throws {
        directory = PeerEnvironment.temporaryFile("tls")
        authority = try TestCertificateAuthority(name: "test-ca", directory: directory)
        stranger = try TestCertificateAuthority(name: "stranger-ca", directory: directory)
        server = try authority.issueServer()
        agent7 = try authority.issueClient(file: "agent-7", commonName: "agent-7", units: ["agents"])
        agent9 = try authority.issueClient(file: "agent-9", commonName: "agent-9", units: ["ops"], organization: "acme")
        impostor = try stranger.issueClient(file: "impostor", commonName: "agent-7", units: ["ops"])
        let store = try SQLiteStore(url: "sqlite:\(directory)/switchboard.db")
        apiKey = try store.createKey(name: "ci", roles: [], tenant: nil, virtualServers: nil, expiresAt: nil).key
    }

    /// TLS with `client_certificates` as given, this fixture's store, auth and policy.
    func apply(_ clientCertificates: TLSConfig.ClientCertificates, to config: inout GatewayConfig) throws {
        let governed = try ConfigLoader.parse(yaml: Self.policy, path: "tls.yaml", environment: [:])
        config.store = "sqlite:\(directory)/switchboard.db"
        config.auth = governed.auth
        config.policy = governed.policy
        config.tls = TLSConfig(
            certificate: server.certificate, privateKey: server.key,
            clientCA: clientCertificates == .none ? nil : authority.certificateFile, clientCertificates: clientCertificates
        )
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// An MCP client made of curl calls over HTTPS: `initialize`, then `tools/list` in that session.
struct TLSCaller {
    var url: String
    var caFile: String?
    var identity: TestCertificateAuthority.Issued?
    var headers: [String] = []

    /// What the caller got: curl's exit code (non-zero when the handshake failed), the HTTP
    /// status of the last request, its headers, and the tools listed.
    struct View {
        var exitCode: Int32
        var status: Int
        var headers: [String: String]
        var tools: [String]
    }

    func listTools() async throws -> View {
        let opened = try await post(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"tls","version":"1"}}}"#)
        guard opened.exitCode == 0, opened.status == 200, let session = opened.headers["mcp-session-id"] else {
            return View(exitCode: opened.exitCode, status: opened.status, headers: opened.headers, tools: [])
        }
        let listed = try await post(#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, ["Mcp-Session-Id: \(session)", "MCP-Protocol-Version: 2025-06-18"])
        let message = listed.json ?? listed.events.last
        let tools = message?["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        return View(exitCode: listed.exitCode, status: listed.status, headers: listed.headers, tools: tools)
    }

    func get(_ path: String) async throws -> CurlResponse {
        try await curl(url.replacingOccurrences(of: "/mcp", with: path), tlsArguments)
    }

    private func post(_ body: String, _ extra: [String] = []) async throws -> CurlResponse {
        let file = PeerEnvironment.temporaryFile("request.json")
        try body.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let lines = [DemoServerTransportTests.accept, DemoServerTransportTests.json] + headers + extra
        return try await curl(url, tlsArguments + lines.flatMap { ["-H", $0] } + ["--data-binary", "@\(file)"])
    }

    private var tlsArguments: [String] {
        var arguments: [String] = []
        if let caFile { arguments += ["--cacert", caFile] }
        if let identity { arguments += ["--cert", identity.certificate, "--key", identity.key] }
        return arguments
    }
}
