import ArgumentParser
import Foundation
import NIOCore
import Switchboard
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardPolicy

/// `switchboard policy test`: what the gateway would answer one caller's `tools/call`, and why,
/// rule by rule. The servers are started once so the tool's hints (annotations) are the ones
/// clients see; nothing is called and no quota is consumed.
///
/// Exit status: 0 allowed, 1 denied or refused, 2 bad config, 64 bad arguments.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Dry-run policy decisions.",
        subcommands: [Test.self]
    )

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the decision on one tools/call and the rule that made it.",
            discussion: """
                Examples:
                  switchboard policy test --as ci-bot --tool crm__delete_contact --args '{"id": 7}'
                  switchboard policy test --principal jwt:alice@example.com --role agent --tool time__get_current_time
                """
        )

        @OptionGroup var options: ConfigOptions
        @OptionGroup var caller: CallerOptions

        @Option(help: "The federated tool name, SERVER__TOOL.")
        var tool: String

        @Option(name: .customLong("args"), help: "The call's arguments, a JSON object.")
        var arguments: String?

        @Option(help: "Seconds to wait for servers to start (their tool hints feed annotation rules).")
        var wait: Int = 15

        @Flag(help: "Do not start the servers: tools get the default hints.")
        var noServers = false

        @Flag(help: "Print the result as JSON.")
        var json = false

        func validate() throws {
            if let arguments {
                guard let object = try? JSONSerialization.jsonObject(with: Data(arguments.utf8)), object is [String: Any] else {
                    throw ValidationError("--args: expected a JSON object, e.g. '{\"path\": \"/tmp\"}'")
                }
            }
        }

        func run() async throws {
            let config = try options.load()
            let principal = try caller.resolve(config: config)
            let run = try await DryRunSession.open(config: config, options: options, servers: !noServers, wait: wait)
            let result: PolicyDryRun
            do {
                result = try run.gateway.dryRun(
                    principal: principal, virtualServer: caller.virtualServer, tool: tool, arguments: arguments.map { ByteBuffer(string: $0) }
                )
            } catch {
                try await run.close()
                throw ValidationError("--args: \(error)")
            }
            try await run.close()
            print(json ? PolicyReport.json(result) : PolicyReport.text(result))
            if result.trace.decision.effect != .allow || !result.inVirtualServer { throw ExitCode(1) }
        }
    }
}
