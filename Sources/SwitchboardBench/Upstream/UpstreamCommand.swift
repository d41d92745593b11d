import ArgumentParser
import NIOSSL

struct UpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upstream",
        abstract: "Run a fast MCP server (echo, stream, paginated tools/list) to put behind the gateway."
    )

    enum Transport: String, ExpressibleByArgument, CaseIterable {
        case http, stdio
    }

    @Option(help: "http (Streamable HTTP at /mcp) or stdio.")
    var transport: Transport

    @Option(help: "HTTP: address to bind.")
    var host = "127.0.0.1"

    @Option(help: "HTTP: port to bind; 0 picks a free one. `READY <port>` is printed on stderr once bound.")
    var port = 0

    @Option(help: "serverInfo.name.")
    var name = "bench"

    @Option(help: "Number of tools listed: echo, then tool_0001, tool_0002, ….")
    var tools = 1

    @Option(help: "tools/list page size; 0 lists everything on one page.")
    var pageSize = 0

    @Option(help: "legacy (2025: initialize and sessions), modern (2026-07-28 only: server/discover, stateless requests) or both.")
    var era: BenchEra = .legacy

    @Option(help: "HTTP: serve https with this PEM certificate chain (with --tls-key).")
    var tlsCert: String?

    @Option(help: "HTTP: the PEM private key of --tls-cert.")
    var tlsKey: String?

    @Flag(help: "HTTP: /mcp wants a bearer token this upstream issues; it is its own authorization server and consents at once (for scenario 10's OAuth row).")
    var oauth = false

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard tools >= 1, tools <= 100_000 else { throw ValidationError("--tools must be 1…100000") }
        guard pageSize >= 0 else { throw ValidationError("--page-size must be 0 or more") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
    }

    func run() async throws {
        StandardError.exitCleanlyOnTermination()
        let responder = BenchResponder(serverName: name, tools: tools, pageSize: pageSize)
        let gate = BenchEraGate(era: era)
        switch transport {
        case .http:
            var tls: NIOSSLContext?
            if let tlsCert, let tlsKey {
                let configuration = TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(tlsCert).map { .certificate($0) }, privateKey: .privateKey(try NIOSSLPrivateKey(file: tlsKey, format: .pem))
                )
                tls = try NIOSSLContext(configuration: configuration)
            }
            try await BenchHTTPServer(host: host, port: port, responder: responder, gate: gate, tls: tls, oauth: oauth).run()
        case .stdio: try await BenchStdioServer(responder: responder, gate: gate).run()
        }
    }
}
