import Foundation
import SwitchboardCore
import SwitchboardTesting

/// The `switchboard` binary in a folder of its own, serving its in-process demo server as the
/// one upstream `clock`: the setup of the tests that read what the process itself writes (its
/// metrics, its log, its audit trail).
struct DemoGatewayProcess {
    let directory: String
    let config: String
    let port: Int

    var base: String { "http://127.0.0.1:\(port)" }

    /// Writes `switchboard.yaml` in a new folder: `clock` on the demo's free port, `extra` YAML
    /// (top-level sections) added.
    init(_ name: String, extra: String = "", labels: [String: String] = [:]) throws {
        directory = PeerEnvironment.temporaryFile(name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try FreePort.next()
        let demoPort = try FreePort.next()
        config = directory + "/switchboard.yaml"
        var clock = ServerConfig(name: "clock", transport: .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: demoPort, pathAndQuery: "/mcp")))
        clock.labels = labels
        _ = try ConfigFile.write(
            [clock],
            listen: "127.0.0.1:\(port)", extra: "demo:\n  http: 127.0.0.1:\(demoPort)\n" + extra, at: config
        )
    }

    /// `switchboard serve` on the config, once `clock` is ready.
    func serve(_ arguments: [String] = []) async throws -> ChildProcessRunner {
        let gateway = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["serve", "--config", config] + arguments)
        let readiness = base + "/readyz"
        try await eventually("the gateway to serve clock", timeout: .seconds(60), every: .milliseconds(100)) {
            (try? await curl(readiness, [], maxTime: 1))?.body.contains(#""state":"ready""#) == true
        }
        return gateway
    }

    /// `switchboard keys create` on the config: the new key.
    func createKey(name: String, role: String) async throws -> String {
        let made = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["keys", "create", "--config", config, "--name", name, "--role", role])
        guard await made.wait(seconds: 30) == 0 else { throw HarnessError("keys create \(name): \(made.standardError)") }
        return made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
