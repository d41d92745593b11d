import ArgumentParser
import NIOPosix

struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Open idle MCP sessions and hold them, to measure a gateway's memory per session.",
        discussion: """
            Prints `HELD N` on stderr once all sessions are open (`HELD K of N: <first error>` when \
            some could not be), then waits --hold seconds or until SIGTERM. The connections used to \
            open them are closed: only the sessions are held.
            """
    )

    @Option(help: "The MCP endpoint, e.g. http://127.0.0.1:8080/mcp.")
    var url: String

    @Option(help: "Sessions to open.")
    var count: Int

    @Option(help: "Sessions opened at once (one connection each).")
    var concurrency = 16

    @Option(help: "Seconds to hold the sessions before exiting.")
    var hold: Double = 30

    @Option(help: "The protocol revision offered in initialize.")
    var protocolVersion = "2025-11-25"

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be 1…1024") }
        guard hold >= 0, hold <= 86_400 * 7 else { throw ValidationError("--hold must be 0 seconds or more") }
    }

    func run() async throws {
        StandardError.exitCleanlyOnTermination()
        let endpoint = try BenchURL(parsing: url)
        let client = HandshakeClient(url: endpoint, headers: [], group: BenchEventLoops.group)
        let opened = await SessionOpener(client: client, protocolVersion: protocolVersion).open(count: count, concurrency: concurrency)
        let held = opened.sessions.count
        if let error = opened.firstError {
            StandardError.line("HELD \(held) of \(count): \(error)")
        } else {
            StandardError.line("HELD \(held)")
        }
        try await Task.sleep(for: .seconds(hold))
        if held == 0 { throw BenchError("no session could be opened") }
    }
}
