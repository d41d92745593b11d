import Foundation
import Testing
import Switchboard
import SwitchboardCore

extension Interop {
    /// The compatibility matrix: the official Python SDK client in each of its modes (2026-07-28,
    /// legacy at 2025-11-25 / 2025-06-18 / 2025-03-26, HTTP+SSE at 2024-11-05) through one gateway
    /// to upstream servers of each era, eight features per pair (Tests/Peers/clients/matrix.py).
    /// Writes `.build/compatibility.md`, and `docs/compatibility.md` when
    /// SWITCHBOARD_WRITE_COMPAT_DOC=1 (`scripts/compat-doc`), then fails listing every cell that
    /// should work and did not. Cells that cannot work (one end lacks the feature) are not failures;
    /// the doc says why for each (Tests/Peers/clients/matrix_plan.py).
    @Suite struct CompatibilityMatrixTests {
        /// matrix_plan.CLIENTS, run one after the other against the same gateway.
        static let clientModes = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05-sse"]
        /// Seconds for all the cells of one client mode; each cell also has its own limit.
        static let budget = 120.0

        @Test func everyClientEraAgainstEveryServerEra() async throws {
            // The names are matrix_plan.SERVERS: the gateway prefixes the driver calls.
            let servers = [
                FeatureServer(name: "h25", kind: .http, extraArguments: ["--era", "legacy"]),
                FeatureServer(name: "h26", kind: .http, extraArguments: ["--stateless", "--era", "modern"]),
                FeatureServer(name: "sse", kind: .sse, extraArguments: ["--era", "legacy"]),
                FeatureServer(name: "io", kind: .stdio, extraArguments: ["--era", "legacy"]),
            ]
            let clock = ServerConfig(
                name: "clock",
                transport: .stdio(StdioLaunch(command: PeerEnvironment.venvBin + "/mcp-server-time", args: ["--local-timezone", "UTC"]))
            )
            try await GatewayHarness.with(servers, extra: [clock]) { gateway in
                var results: [String] = []
                for mode in Self.clientModes {
                    results.append(await Self.runDriver(mode, gateway: gateway))
                }
                let wire = await Self.checkWire(gateway)
                // What each row really exercised: a server of the wrong era would make its cells meaningless.
                let upstreams = gateway.runtime.serverStatuses.map { "\($0.name)=\($0.protocolVersion ?? "none")" }
                let failures = try await Self.renderDoc(results: results, upstreams: upstreams, wireSummary: wire.summary)
                #expect(wire.valid, "the gateway sent messages that do not validate against their revision's schema:\n\(wire.output)")
                #expect(failures.isEmpty, "\(failures.count) matrix checks failed (table: .build/compatibility.md):\n\(failures.joined(separator: "\n"))")
            }
        }

        // MARK: - Steps

        /// One client mode; its JSON line, or a line saying why the driver gave none.
        static func runDriver(_ mode: String, gateway: GatewayHarness) async -> String {
            let arguments = [driver, "--base", "http://127.0.0.1:\(gateway.port)", "--client", mode, "--budget", String(Int(budget))]
            let child: ChildProcessRunner
            do {
                child = try ChildProcessRunner(PeerEnvironment.python, arguments)
            } catch {
                return failureLine(mode, "could not start matrix.py: \(error)")
            }
            // The driver bounds itself (budget + 20 s); this limit only catches a wedged interpreter.
            let status = await child.wait(seconds: budget + 40)
            if let line = child.standardOutput.split(separator: "\n").last, isReport(line, of: mode) {
                return String(line)
            }
            return failureLine(mode, "matrix.py exited with \(status) and no report: \(child.standardError.suffix(600))")
        }

        /// Every message the gateway sent in the run, against its revision's schema.
        static func checkWire(_ gateway: GatewayHarness) async -> (valid: Bool, summary: String, output: String) {
            do {
                let output = try await gateway.validateWire()
                return (true, summaryLine(output), output)
            } catch {
                let output = "\(error)"
                return (false, summaryLine(output), output)
            }
        }

        /// Writes the doc(s); returns the driver's `FAIL …` lines.
        static func renderDoc(results: [String], upstreams: [String], wireSummary: String) async throws -> [String] {
            let resultsFile = PeerEnvironment.temporaryFile("matrix.jsonl")
            defer { try? FileManager.default.removeItem(atPath: resultsFile) }
            try (results.joined(separator: "\n") + "\n").write(toFile: resultsFile, atomically: true, encoding: .utf8)
            var arguments = [docGenerator, "--results", resultsFile, "--wire", wireSummary, "--out", PeerEnvironment.path(".build/compatibility.md")]
            arguments += upstreams.flatMap { ["--upstream", $0] }
            if ProcessInfo.processInfo.environment["SWITCHBOARD_WRITE_COMPAT_DOC"] == "1" {
                arguments += ["--out", PeerEnvironment.path("docs/compatibility.md")]
            }
            let child = try ChildProcessRunner(PeerEnvironment.python, arguments)
            let status = await child.wait(seconds: 60)
            guard status == 0 else {
                throw HarnessError("compat_doc.py failed (\(status)):\n\(child.standardOutput.suffix(2000))\n\(child.standardError.suffix(2000))")
            }
            return child.standardOutput.split(separator: "\n").filter { $0.hasPrefix("FAIL ") }.map(String.init)
        }

        // MARK: - Helpers

        static var driver: String { PeerEnvironment.path("Tests/Peers/clients/matrix.py") }
        static var docGenerator: String { PeerEnvironment.path("Tests/Peers/clients/compat_doc.py") }

        static func isReport(_ line: Substring, of mode: String) -> Bool {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return false }
            return object["client"] as? String == mode && object["cells"] is [String: Any]
        }

        static func failureLine(_ mode: String, _ reason: String) -> String {
            let object: [String: Any] = ["client": mode, "error": reason]
            let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }

        static func summaryLine(_ output: String) -> String {
            output.split(separator: "\n").last { $0.contains("messages valid") }.map(String.init) ?? "the validator gave no summary"
        }
    }
}
