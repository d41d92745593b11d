import ArgumentParser

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard-bench",
        abstract: "Benchmark tools: a fast MCP upstream and an MCP-aware load generator.",
        subcommands: [UpstreamCommand.self, LoadCommand.self, SessionsCommand.self]
    )
}
