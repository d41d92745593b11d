import ArgumentParser
import Foundation
import Logging
import Switchboard
import SwitchboardCore

/// Validates the config, starts every server once, and prints what a client would see:
/// each server's state, its tools, prompts and resources under their federated names, and
/// the names shown otherwise than `{server}__{name}` with why, and the findings (duplicates,
/// URI collisions). Exits 2 on a bad config, 1 when
/// a server is unavailable or a finding was made, 0 when all is well.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the config, probe every server, print the catalogue and findings."
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "Seconds to wait for servers to start.")
    var wait: Int = 30

    func run() async throws {
        let config = try options.load()
        var logOptions = options
        if logOptions.logLevel == .info { logOptions.logLevel = .error }  // the report is the output
        let logger = logOptions.bootstrapLogging(config)
        let runtime = try GatewayRuntime(config: config, logger: logger, threads: 1, recordsAudit: false)
        print("config ok: \(config.servers.count) server(s), listen \(config.listen)")
        // The built-in demo server is part of the gateway process; `check` starts it too so
        // servers pointing at it can be probed.
        try await runtime.start(listen: false, demo: true)
        await runtime.waitForServers(seconds: Int64(wait))
        var healthy = true
        print("\nservers:")
        for s in runtime.serverStatuses {
            let detail = [s.protocolVersion.map { "protocol \($0)" }, s.serverInfo, s.lastError.map { "error: \($0)" }].compactMap { $0 }
            print("  \(s.name) [\(s.transport)] \(s.state)\(detail.isEmpty ? "" : " — " + detail.joined(separator: ", "))")
            if let labels = config.servers.first(where: { $0.name == s.name })?.labels, !labels.isEmpty {
                print("    labels: \(ServerLabels.text(labels))")
            }
            if let connection = s.connection { print("    connection: \(connection)") }
            if let oauth = s.oauth { print("    \(oauth)") }
            if s.verificationOff { print("    WARNING: TLS certificate verification is off (tls.insecure_skip_verify); anyone on the path can impersonate this server") }
            if s.state != "ready" { healthy = false }
        }
        for disabled in config.servers where !disabled.enabled {
            print("  \(disabled.name) [\(disabled.transport.kindName)] disabled" + (disabled.labels.isEmpty ? "" : " — labels \(ServerLabels.text(disabled.labels))"))
        }
        for (kind, title) in [("tools", "tools"), ("prompts", "prompts"), ("resources", "resources"), ("resourceTemplates", "resource templates")] {
            let items = try await runtime.catalogue(kind)
            print("\n\(title) (\(items.count)):")
            for item in items {
                let text = item.description.map { " — " + Self.firstLine($0, max: 80) } ?? ""
                print("  \(item.identity)\(text)")
            }
        }
        // Clients cap a request's tools (OpenAI and VS Code 128, Cursor 80) and pay for every
        // token of the list: say how large each endpoint's list is.
        print("\ntools list sizes:")
        for size in try await runtime.toolListSizes() { print("  \(size.description)") }
        // Names clients see that are not `{server}__{name}`: not a fault, but an operator
        // writing policy or reading audit wants to know which is which.
        let shown = runtime.shownNames
        print("\nnames shown differently (\(shown.count)):")
        for line in shown { print("  \(line)") }
        if shown.isEmpty { print("  none: every tool and prompt is shown as {server}__{name}, every resource by its own URI") }
        // Operations of OpenAPI documents that could not be mapped (left out, or kept with a
        // part missing): exclude them with operations.exclude once read.
        let findings = config.openAPIFindings + runtime.findings
        print("\nfindings (\(findings.count)):")
        for f in findings { print("  \(f)") }
        if findings.isEmpty { print("  none") }
        try await runtime.shutdown()
        if !healthy || !findings.isEmpty { throw ExitCode(1) }
    }

    private static func firstLine(_ text: String, max: Int) -> String {
        let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        return line.count > max ? String(line.prefix(max - 1)) + "…" : line
    }
}
