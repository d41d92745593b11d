import Foundation
import SwitchboardCore

/// A Python SDK test server (Tests/Peers/servers/feature_server.py) on one transport.
struct FeatureServer {
    enum Kind: String {
        case stdio, http = "streamable-http", sse
    }

    let name: String
    let kind: Kind
    var extraArguments: [String] = []

    var arguments: [String] {
        [PeerEnvironment.featureServer, "--transport", kind.rawValue, "--name", name] + extraArguments
    }

    /// The gateway's config entry for it; HTTP kinds are started first to learn their port.
    func serverConfig(port: Int?) -> ServerConfig {
        switch kind {
        case .stdio:
            return ServerConfig(name: name, transport: .stdio(StdioLaunch(command: PeerEnvironment.python, args: arguments)))
        case .http:
            return ServerConfig(name: name, transport: .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: port!, pathAndQuery: "/mcp")))
        case .sse:
            return ServerConfig(name: name, transport: .sse(HTTPEndpoint(host: "127.0.0.1", port: port!, pathAndQuery: "/sse")))
        }
    }

    /// Starts an HTTP kind and returns it with its port (`READY <port>` on stderr).
    func launch() async throws -> (ChildProcessRunner, Int) {
        let child = try ChildProcessRunner(PeerEnvironment.python, arguments + ["--host", "127.0.0.1", "--port", "0"])
        let port = try await child.waitForLine(prefix: "READY ", seconds: 30)
        guard let value = Int(port) else { throw HarnessError("bad READY line: \(port)") }
        return (child, value)
    }
}

extension [FeatureServer] {
    /// Starts the HTTP kinds (stdio ones are the gateway's to spawn) and returns the gateway
    /// config entries for all, with the processes started. On failure nothing is left running.
    func launchAll() async throws -> (configs: [ServerConfig], children: [ChildProcessRunner]) {
        try PeerEnvironment.requirePeers()
        var children: [ChildProcessRunner] = []
        var configs: [ServerConfig] = []
        do {
            for server in self {
                if server.kind == .stdio {
                    configs.append(server.serverConfig(port: nil))
                } else {
                    let (child, port) = try await server.launch()
                    children.append(child)
                    configs.append(server.serverConfig(port: port))
                }
            }
        } catch {
            children.forEach { $0.stop() }
            throw error
        }
        return (configs, children)
    }
}
