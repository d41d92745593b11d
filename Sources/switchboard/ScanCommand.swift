import ArgumentParser
import Foundation
import NIOCore
import Switchboard
import SwitchboardCore
import SwitchboardGuards

/// `switchboard scan FILE`: the gateway's definition scanner over a file of tool definitions,
/// for CI pipelines and for vetting a server before adding it. The same engine and rules as
/// the running gateway, so the same input gets the same verdict.
///
/// Exit status: 0 nothing reached `--fail-on` (block by default), 1 something did, 2 the file
/// or the rules cannot be read, 64 bad arguments.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan tool definitions for poisoning, shadowing and spoofed names.",
        discussion: """
            FILE is a JSON array of MCP Tool objects, a tools/list result ({"tools": [...]}), or \
            {"servers": {"NAME": [tools...] | {"tools": [...], "prompts": [...], "instructions": "..."}}} \
            (a catalogue, so the cross-server rules apply). Example: switchboard scan --json tools.json. \
            With --server NAME, the configured server NAME is started and its definitions, as it sends \
            them, are scanned against every configured server's (switchboard scan --server github --config switchboard.yaml).
            """
    )

    @Argument(help: "The definitions to scan (- for standard input); with --results, the tool results.")
    var file: String?

    @Option(help: "Scan this configured server live (its tools, prompts and instructions as it sends them).")
    var server: String?

    @OptionGroup var options: ConfigOptions

    @Option(help: "With --server: seconds to wait for servers to start.")
    var wait: Int = 15

    @Flag(help: "FILE is a JSON array of CallToolResult objects: report secrets and personal data, print the redacted results.")
    var results = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "The server name for a file holding one server's list.")
    var name = "server"

    @Option(help: "A rule file that replaces, adds or switches off rules of the built-in set (docs/security.md).")
    var rules: String?

    @Option(help: "The verdict that makes the exit status 1: block or warn.")
    var failOn: FailOn = .block

    enum FailOn: String, ExpressibleByArgument {
        case block, warn
    }

    func validate() throws {
        if (file == nil) == (server == nil) { throw ValidationError("give FILE or --server NAME") }
        if server != nil, results { throw ValidationError("--results reads a FILE of results") }
    }

    func run() async throws {
        if let server { return try await scanServer(server) }
        let file = file ?? "-"
        if results { return try scanResults(file) }
        let scanner = DefinitionScanner(rules: try ruleSet())
        let bytes = try read(file, what: "the definitions")
        let catalogue: GuardCatalogue
        do {
            catalogue = try GuardCatalogue.parse(ByteBuffer(bytes: bytes), single: name)
        } catch {
            throw Self.fail("\(file): \(error)")
        }
        try report(scanner.scan(catalogue))
    }

    /// `--server NAME`: the servers of the config started without a listener and without the
    /// guards (so nothing is hidden or pinned), their definitions listed as sent, and NAME's
    /// judged against all of them, as the running gateway would.
    private func scanServer(_ name: String) async throws {
        let scanner = DefinitionScanner(rules: try ruleSet())
        var config = try options.load()
        guard config.servers.contains(where: { $0.name == name && $0.enabled }) else {
            throw Self.fail("no enabled server named \(name) in \(options.configPath ?? "the built-in quick start")")
        }
        config.guards.enabled = false
        let run = try await DryRunSession.open(config: config, options: options, servers: true, wait: wait)
        let catalogue: GuardCatalogue
        let leftOut: [String: String]
        do {
            (catalogue, leftOut) = try await run.runtime.definitions()
        } catch {
            try await run.close()
            throw error
        }
        try await run.close()
        if let reason = leftOut[name] {
            throw Self.fail("\(name) could not be listed: \(reason)")
        }
        // Said whatever the log level: NAME's cross-server verdicts were made without these.
        for (other, reason) in leftOut.sorted(by: { $0.key < $1.key }) {
            FileHandle.standardError.write(Data("warning: cross-server rules ran without \(other), which could not be listed: \(reason)\n".utf8))
        }
        guard let listed = catalogue.servers.first(where: { $0.name == name }), !(listed.tools.isEmpty && listed.prompts.isEmpty && listed.instructions == nil) else {
            throw Self.fail("\(name) listed nothing (is it running? see the log above)")
        }
        try report(scanner.scan(catalogue, only: name))
    }

    private func report(_ report: GuardReport) throws {
        if json {
            var out = report.json()
            out.writeString("\n")
            FileHandle.standardOutput.write(Data(out.readableBytesView))
        } else {
            print(Self.text(report), terminator: "")
        }
        let threshold: GuardVerdict = failOn == .warn ? .warn : .block
        if report.worst >= threshold { throw ExitCode(1) }
    }

    /// `--results`: each result's findings and the result as it would reach the client with
    /// the gateway's defaults (secrets redacted, personal data and instructions reported).
    /// Exit 1 when a secret or instructions were found (with `--fail-on warn`, any finding).
    private func scanResults(_ file: String) throws {
        let bytes = try read(file, what: "the results")
        guard let root = try? JSONView.parse(ByteBuffer(bytes: bytes), maxDepth: 128), root.isArray else {
            throw Self.fail("\(file): expected a JSON array of CallToolResult objects")
        }
        var w = JSONWriter()
        w.beginObject()
        w.key("results")
        w.beginArray()
        var text = ""
        var counts: [String: Int] = [:]
        let screening = ResultScanner.Screening(injection: InjectionScreen(scanner: DefinitionScanner(rules: try ruleSet())))
        for (i, result) in root.elements.enumerated() {
            guard result.isObject else { throw Self.fail("\(file): [\(i)] is not an object") }
            let outcome = ResultScanner.scan(result, screening)
            for finding in outcome.findings { counts[finding.kind, default: 0] += 1 }
            w.beginObject()
            w.field("index", i)
            w.key("findings")
            w.beginArray()
            for finding in outcome.findings {
                w.beginObject()
                w.field("rule", finding.rule)
                w.field("kind", finding.kind)
                w.field("path", finding.path)
                w.field("redacted", finding.redacted)
                w.endObject()
                text += "[\(i)] \(finding.kind) \(finding.rule) at \(finding.path)\(finding.redacted ? " (redacted)" : "")\n"
            }
            w.endArray()
            w.field("result", raw: outcome.redacted ?? result.bytes)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        if json {
            var out = w.buffer
            out.writeString("\n")
            FileHandle.standardOutput.write(Data(out.readableBytesView))
        } else {
            let secrets = counts["secret", default: 0], pii = counts["pii", default: 0], injection = counts["injection", default: 0]
            print(text + "\(root.elements.count) results: \(secrets) secrets redacted, \(pii) personal data found, \(injection) instructions to the model found")
        }
        if counts["secret", default: 0] + counts["injection", default: 0] > 0 || (failOn == .warn && !counts.isEmpty) { throw ExitCode(1) }
    }

    private func ruleSet() throws -> GuardRuleSet {
        guard let rules else { return .builtin }
        do {
            return try GuardRuleSet.builtin.overridden(by: Data(try read(rules, what: "the rule file")))
        } catch let error as GuardRuleError {
            throw Self.fail("\(rules): \(error)")
        }
    }

    private func read(_ path: String, what: String) throws -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else { throw Self.fail("cannot read \(what) \(path)") }
        return Array(data)
    }

    private static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(2)
    }

    /// The report for a terminal: each definition's verdict, its findings under it.
    static func text(_ report: GuardReport) -> String {
        var out = ""
        var counts: [GuardVerdict: Int] = [:]
        for server in report.servers {
            out += "server \(server.name)\n"
            for item in server.items {
                counts[item.verdict, default: 0] += 1
                let label = item.kind == .tool ? item.name : "\(item.kind.rawValue) \(item.name)"
                out += "  \(item.verdict.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(label)\n"
                for finding in item.findings {
                    out += "         \(finding.severity.rawValue) \(finding.rule) (\(finding.family.rawValue)) at \(finding.path): \(finding.excerpt)\n"
                }
            }
        }
        let total = counts.values.reduce(0, +)
        out += "\(total) definitions: \(counts[.block] ?? 0) blocked, \(counts[.warn] ?? 0) warned, \(counts[.clean] ?? 0) clean (rules \(report.rulesVersion))\n"
        return out
    }
}
