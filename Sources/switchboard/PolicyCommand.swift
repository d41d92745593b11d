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
                  switchboard policy test --cases policy-cases.json     # many, each with "expect"; exit 1 on a mismatch
                """
        )

        @OptionGroup var options: ConfigOptions
        @OptionGroup var caller: CallerOptions

        @Option(help: "The federated tool name, SERVER__TOOL.")
        var tool: String?

        @Option(help: "A JSON file of cases (tool, args, as or principal/roles/tenant, virtual_server, expect).")
        var cases: String?

        @Option(name: .customLong("args"), help: "The call's arguments, a JSON object.")
        var arguments: String?

        @Option(help: "Seconds to wait for servers to start (their tool hints feed annotation rules).")
        var wait: Int = 15

        @Flag(help: "Do not start the servers: tools get the default hints.")
        var noServers = false

        @Flag(help: "Print the result as JSON.")
        var json = false

        func validate() throws {
            if (tool == nil) == (cases == nil) { throw ValidationError("give --tool, or --cases FILE") }
            if let arguments {
                guard let object = try? JSONSerialization.jsonObject(with: Data(arguments.utf8)), object is [String: Any] else {
                    throw ValidationError("--args: expected a JSON object, e.g. '{\"path\": \"/tmp\"}'")
                }
            }
        }

        func run() async throws {
            let config = try options.load()
            let all: [PolicyCase]
            if let cases {
                all = try PolicyCase.load(path: cases)
            } else {
                all = [
                    PolicyCase(
                        tool: tool ?? "", arguments: arguments, key: caller.key, principal: caller.principal, roles: caller.roles,
                        tenant: caller.tenant, virtualServer: caller.virtualServer, expect: nil
                    )
                ]
            }
            let resolver = try CallerResolver(config: config, needsKeys: all.contains { $0.key != nil })
            let principals = try all.map { try resolver.resolve(key: $0.key, principal: $0.principal, roles: $0.roles, tenant: $0.tenant) }
            let run = try await DryRunSession.open(config: config, options: options, servers: !noServers, wait: wait)
            var results: [PolicyDryRun] = []
            do {
                for (index, test) in all.enumerated() {
                    results.append(
                        try run.gateway.dryRun(
                            principal: principals[index], virtualServer: test.virtualServer, tool: test.tool,
                            arguments: test.arguments.map { ByteBuffer(string: $0) }, maxJSONDepth: config.limits.maxJSONDepth
                        )
                    )
                }
            } catch {
                try await run.close()
                throw ValidationError("arguments: \(error)")
            }
            try await run.close()
            // The effect a caller gets: a tool outside the virtual server is refused whatever the rules say.
            let effects = results.map { $0.inVirtualServer ? $0.trace.decision.effect.rawValue : "deny" }
            let mismatches = zip(all, effects).filter { test, effect in test.expect.map { $0 != effect } ?? false }.count
            if json {
                print(results.count == 1 && cases == nil ? PolicyReport.json(results[0]) : "[" + results.map(PolicyReport.json).joined(separator: ",") + "]")
            } else {
                for (index, result) in results.enumerated() {
                    if results.count > 1 { print((index > 0 ? "\n" : "") + "case \(index + 1): \(result.principal.id) → \(result.tool)") }
                    if let expected = all[index].expect, expected != effects[index] { print("MISMATCH: expected \(expected), got \(effects[index])") }
                    print(PolicyReport.text(result))
                }
            }
            if cases != nil {
                if mismatches > 0 { throw ExitCode(1) }
            } else if effects[0] != "allow" {
                throw ExitCode(1)
            }
        }
    }
}
