import Foundation
import SwitchboardCore

/// Writes a gateway config as YAML, for tests that run the `switchboard` binary itself.
enum ConfigFile {
    /// Into `path`, or a new temporary file.
    static func write(_ servers: [ServerConfig], listen: String = "127.0.0.1:0", extra: String = "", at path: String? = nil) throws -> String {
        var yaml = "listen: \(listen)\n\(extra)servers:\n"
        for server in servers {
            yaml += "  \(server.name):\n"
            switch server.transport {
            case .stdio(let launch):
                yaml += "    stdio:\n      command: \(quote(launch.command))\n      args: [\(launch.args.map(quote).joined(separator: ", "))]\n"
            case .streamableHTTP(let endpoint):
                yaml += "    url: \(endpoint)\n"
            case .sse(let endpoint):
                yaml += "    sse: \(endpoint)\n"
            case .openAPI(let api):
                yaml += "    openapi: \(quote(api.document))\n    base_url: \(api.baseURL)\n"
            }
            if case .openAPI = server.transport {} else { yaml += "    restart: {initial_backoff: 100ms, max_backoff: 2s}\n" }
            if !server.labels.isEmpty {
                yaml += "    labels: {" + server.labels.sorted { $0.key < $1.key }.map { "\($0.key): \(quote($0.value))" }.joined(separator: ", ") + "}\n"
            }
        }
        let path = path ?? PeerEnvironment.temporaryFile("switchboard.yaml")
        // Each config its own audit journal: one gateway per journal, and tests run several.
        if !extra.contains("audit:") { yaml = "audit:\n  journal: \(quote(path + "-audit"))\n" + yaml }
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private static func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
