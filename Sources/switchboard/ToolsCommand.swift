import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardPolicy
import NIOCore

/// `switchboard tools list`: the merged catalogue as one caller sees it, after its virtual
/// server and the policy's hiding.
struct ToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools",
        abstract: "The tool catalogue as one caller sees it.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tools a caller sees (default: an anonymous caller at /mcp).",
            discussion: "Example: switchboard tools list --as ci-bot"
        )

        @OptionGroup var options: ConfigOptions
        @OptionGroup var caller: CallerOptions

        @Option(help: "Seconds to wait for servers to start.")
        var wait: Int = 15

        @Flag(help: "Print the names as a JSON array.")
        var json = false

        func run() async throws {
            let config = try options.load()
            let principal = try caller.resolve(config: config)
            let run = try await DryRunSession.open(config: config, options: options, servers: true, wait: wait)
            let tools = try await run.gateway.visibleTools(principal: principal, virtualServer: caller.virtualServer, on: run.gateway.eventLoop).get()
            try await run.close()
            let names = tools.compactMap { $0["name"]?.string }
            if json {
                let data = (try? JSONSerialization.data(withJSONObject: names)) ?? Data("[]".utf8)
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("tools visible to \(principal.id) at \(caller.virtualServer.map { "/mcp/\($0)" } ?? "/mcp") (\(names.count)):")
            for tool in tools {
                let description = tool["description"]?.string.map { " — " + String($0.split(separator: "\n").first ?? "").prefix(80) } ?? ""
                print("  \(tool["name"]?.string ?? "?")\(description)")
            }
        }
    }
}
