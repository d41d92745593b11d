import Foundation
import Testing
import SwitchboardCore
import SwitchboardTesting

extension Interop {
    /// The `switchboard` binary itself: `stdio` serving the official SDK client, and `check`.
    @Suite struct CommandLineInteropTests {
        /// Starts the HTTP peers and writes a config naming all three transports.
        private func setUp() async throws -> (config: String, children: [ChildProcessRunner]) {
            try PeerEnvironment.requirePeers()
            guard FileManager.default.isExecutableFile(atPath: PeerEnvironment.switchboardBinary) else {
                throw HarnessError("build the binary first (scripts/test.sh runs swift build)")
            }
            let (configs, children) = try await FederationInteropTests.servers.launchAll()
            return (try ConfigFile.write(configs), children)
        }

        /// `switchboard stdio`: the same federation, served to one client over stdin/stdout,
        /// every message on stdout valid against the schema.
        @Test func servesTheSDKClientOverStdio() async throws {
            let (config, children) = try await setUp()
            defer { children.forEach { $0.stop() } }
            let wire = PeerEnvironment.temporaryFile("stdio-wire.jsonl")
            let command = "/usr/bin/env SWITCHBOARD_WIRE_LOG=\(wire) \(PeerEnvironment.switchboardBinary) stdio --config \(config) --log-level error"
            let child = try ChildProcessRunner(
                PeerEnvironment.python,
                [PeerEnvironment.scenario, "--stdio", command, "--scenario", "federation", "--timeout", "110"] + FederationInteropTests.prefixes
            )
            let status = await child.wait(seconds: 120)
            #expect(status == 0, "\(child.standardOutput.suffix(3000))\n\(child.standardError.suffix(3000))")
            let validator = try ChildProcessRunner(PeerEnvironment.python, [PeerEnvironment.validator, "--schema-dir", PeerEnvironment.schemaDirectory, "--quiet", wire])
            #expect(await validator.wait(seconds: 60) == 0, "\(validator.standardOutput.suffix(4000))")
            #expect((Int(validator.standardOutput.split(separator: " ").first ?? "") ?? 0) > 40, "\(validator.standardOutput)")
        }

        /// The SDK client ending a `switchboard stdio` session the way clients do, by closing
        /// stdin, in both eras: the gateway answers, then stops every part in order and exits 0
        /// with nothing on stderr above info (an event loop shut down too early once printed
        /// "Cannot schedule tasks on an EventLoop that has already shut down" here).
        @Test(arguments: ["legacy", "2026-07-28"])
        func stdioEndsCleanlyWhenTheClientCloses(mode: String) async throws {
            try PeerEnvironment.requirePeers()
            let binary = PeerEnvironment.switchboardBinary
            let demoPort = try FreePort.next()
            // A stdio child and the in-process demo over HTTP: both kinds of upstream to stop.
            let config = try ConfigFile.write(
                [
                    ServerConfig(name: "notes", transport: .stdio(StdioLaunch(command: binary, args: ["demo-server", "--transport", "stdio", "--name", "notes"]))),
                    ServerConfig(name: "clock", transport: .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: demoPort, pathAndQuery: "/mcp"))),
                ],
                extra: "demo:\n  http: 127.0.0.1:\(demoPort)\n"
            )
            let stderr = PeerEnvironment.temporaryFile("stdio-stderr.log")
            let exit = PeerEnvironment.temporaryFile("stdio-exit.txt")
            // The wrapper keeps what the gateway itself printed and how it exited.
            let gateway = "'\(binary)' stdio --config '\(config)' --log-level info 2>'\(stderr)'; echo $? >'\(exit)'"
            let client = try ChildProcessRunner(
                PeerEnvironment.python,
                [PeerEnvironment.path("Tests/Peers/clients/one_session.py"), "--mode", mode, "--tool", "clock__add", "--arguments", #"{"a":2,"b":3}"#,
                 "--", "/bin/sh", "-c", gateway]
            )
            #expect(await client.wait(seconds: 60) == 0, "\(client.standardOutput)\n\(client.standardError.suffix(2000))")
            let line = client.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
            let summary = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(summary?["result"] as? String == #"{"sum":5}"#, "\(client.standardOutput)")
            // The SDK waits briefly for the process after closing stdin; the wrapper then has
            // written how the gateway exited.
            try await eventually("the gateway's exit status", timeout: .seconds(10)) { FileManager.default.fileExists(atPath: exit) }
            let status = try String(contentsOfFile: exit, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let printed = try String(contentsOfFile: stderr, encoding: .utf8)
            #expect(status == "0", "\(printed)")
            let loud = printed.split(separator: "\n").filter { line in
                !([" trace ", " debug ", " info ", " notice "].contains { line.contains($0) })
            }
            #expect(loud.isEmpty, "\(loud.joined(separator: "\n"))")
            #expect(printed.contains("upstream ready"), "logged at info, so the filter above saw the gateway's lines: \(printed)")
        }

        /// `check` prints each server's state, its federated tools and the findings.
        @Test func checkPrintsServersToolsAndFindings() async throws {
            let (config, children) = try await setUp()
            defer { children.forEach { $0.stop() } }
            let check = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["check", "--config", config])
            let status = await check.wait(seconds: 90)
            let out = check.standardOutput
            #expect(status == 0, "\(out)\n\(check.standardError.suffix(2000))")
            for server in ["alpha [stdio] ready", "beta [http] ready", "gamma [sse] ready"] {
                #expect(out.contains(server), "\(out)")
            }
            for tool in ["alpha__echo", "beta__slow", "gamma__ask_user"] {
                #expect(out.contains(tool), "\(out)")
            }
            #expect(out.contains("feature://beta/readme"))
            #expect(out.contains("findings (0)"))
        }

        /// Names no model API accepts are mapped, not left out, and `check` says how.
        @Test func checkPrintsMappedNames() async throws {
            try PeerEnvironment.requirePeers()
            let long = String(repeating: "quarterly_report_", count: 5)
            let naming = ServerConfig(
                name: "reports",
                transport: .stdio(StdioLaunch(command: PeerEnvironment.python, args: [PeerEnvironment.path("Tests/Peers/servers/naming_server.py"), "--label", "R", "--tools", "issues.create", long]))
            )
            let config = try ConfigFile.write([naming], extra: "limits:\n  max_tool_name_length: 40\n")
            let check = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["check", "--config", config])
            #expect(await check.wait(seconds: 60) == 0, "\(check.standardOutput)\n\(check.standardError)")
            let out = check.standardOutput
            #expect(out.contains("tools (2):"), "\(out)")
            #expect(out.contains("  reports__issues_create — issues.create of R"), "\(out)")
            #expect(out.contains("tool reports__issues_create ← reports: issues.create (characters outside [A-Za-z0-9_-] became _)"), "\(out)")
            #expect(out.contains("← reports: \(long) (\(long.count + 9) characters, over the budget of 40: shortened with a hash)"), "\(out)")
            #expect(out.contains("findings (0):"), "\(out)")
        }

        /// A server that cannot start makes `check` fail and say why.
        @Test func checkFailsOnAnUnavailableServer() async throws {
            try PeerEnvironment.requirePeers()
            var ghost = ServerConfig(name: "ghost", transport: .stdio(StdioLaunch(command: "/nonexistent/server")))
            ghost.labels = ["owner": "platform", "risk": "low"]
            let config = try ConfigFile.write([ghost])
            let check = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["check", "--config", config, "--wait", "3"])
            #expect(await check.wait(seconds: 30) == 1)
            #expect(check.standardOutput.contains("ghost [stdio] unavailable"), "\(check.standardOutput)")
            #expect(check.standardOutput.contains("    labels: {owner: platform, risk: low}"), "\(check.standardOutput)")
            #expect(check.standardOutput.contains("/nonexistent/server"), "\(check.standardOutput)")
        }

        /// A bad config stops `check` with exit 2 and file:line: key in the message.
        @Test func checkRejectsABadConfigWithItsLocation() async throws {
            let path = PeerEnvironment.temporaryFile("bad.yaml")
            try "listen: 127.0.0.1:8080\nservers:\n  crm:\n    url: ftp://example\n".write(toFile: path, atomically: true, encoding: .utf8)
            let check = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["check", "--config", path])
            #expect(await check.wait(seconds: 30) == 2)
            #expect(check.standardError.contains("\(path):4: servers.crm.url:"), "\(check.standardError)")
        }
    }
}
