import ArgumentParser
import NIOCore
import NIOPosix
import SwitchboardCore

struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Drive MCP requests at a Streamable HTTP endpoint and report throughput and latency.",
        discussion: """
            Without --rate each connection sends its next request when the previous one is answered \
            (saturation). With --rate the requests are spread evenly over the connections and latency \
            is measured from each request's intended send time. Exits 0 whenever the run happened; \
            failed requests are counted, not fatal.
            """
    )

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case toolsCall = "tools/call"
        case toolsList = "tools/list"
    }

    @Option(help: "The MCP endpoint, e.g. http://127.0.0.1:8080/mcp.")
    var url: String

    @Option(help: "MCP sessions to open (one if the server is sessionless).")
    var sessions = 1

    @Option(help: "Keep-alive HTTP/1.1 connections.")
    var connections = 8

    @Option(help: "Measured seconds.")
    var duration: Double = 10

    @Option(help: "Seconds of unrecorded warm-up before the measurement.")
    var warmup: Double = 2

    @Option(help: "Requests per second over all connections (open loop); omit for saturation.")
    var rate: Double?

    @Option(help: "tools/call or tools/list.")
    var method: Method = .toolsCall

    @Option(help: "tools/call: the tool's name.")
    var tool = "echo"

    @Option(help: "tools/call: the arguments object, as JSON.")
    var arguments = #"{"text":"hello"}"#

    @Flag(help: "Add params._meta.progressToken to every request (for the stream tool).")
    var progressToken = false

    @Option(help: "The protocol revision offered in initialize.")
    var protocolVersion = "2025-11-25"

    @Option(help: "An extra request header, 'Name: value'; repeatable.")
    var header: [String] = []

    @Flag(help: "Print exactly one JSON line on stdout.")
    var json = false

    func validate() throws {
        guard sessions >= 1 else { throw ValidationError("--sessions must be at least 1") }
        guard (1...10_000).contains(connections) else { throw ValidationError("--connections must be 1…10000") }
        guard duration > 0, duration <= 86_400 else { throw ValidationError("--duration must be more than 0 seconds") }
        guard warmup >= 0, warmup <= 86_400 else { throw ValidationError("--warmup must be 0 seconds or more") }
        if let rate { guard rate > 0, rate.isFinite else { throw ValidationError("--rate must be more than 0") } }
    }

    func run() async throws {
        let endpoint = try BenchURL(parsing: url)
        let headers = try header.map { (text: String) throws(BenchError) in try HeaderArgument(parsing: text) }
        let params = try requestParams()
        let client = HandshakeClient(url: endpoint, headers: headers, group: BenchEventLoops.group)
        let opener = SessionOpener(client: client, protocolVersion: protocolVersion)

        // The first session also tells whether the server keeps sessions at all.
        let first: MCPSession
        do {
            first = try await client.withConnection { try await opener.openOne(on: &$0) }
        } catch {
            throw BenchError("cannot start against \(url): \(error)")
        }
        var opened = [first]
        if first.id != nil, sessions > 1 {
            let more = await opener.open(count: sessions - 1, concurrency: min(connections, 16))
            if let error = more.firstError {
                throw BenchError("opened \(more.sessions.count + 1) of \(sessions) sessions: \(error)")
            }
            opened += more.sessions
        }

        let encoder = MCPRequestEncoder(
            url: endpoint, sessions: opened, headers: headers, method: method.rawValue, params: params, progressToken: progressToken
        )
        let plan = LoadPlan(url: endpoint, encoder: encoder, connections: connections, rate: rate)
        let run = LoadRun(plan: plan, warmup: Self.time(warmup), duration: Self.time(duration), group: BenchEventLoops.group)
        let outcome = try await run.run()
        let report = LoadReport(
            tally: outcome.tally,
            durationSeconds: outcome.measuredSeconds,
            sessions: first.id == nil ? 0 : opened.count,
            connections: connections,
            rate: rate,
            cpu: outcome.cpu
        )
        print(json ? report.jsonLine : "switchboard-bench load \(url) \(method.rawValue)\n" + report.summary)
    }

    /// The `params` members after `_meta`, checked once so no request carries broken JSON.
    private func requestParams() throws -> String {
        guard method == .toolsCall else { return "" }
        let parsed = try? JSONView.parse(ByteBuffer(string: arguments))
        guard let parsed, parsed.isObject else { throw ValidationError("--arguments must be a JSON object") }
        return #""name":\#(JSONWriter.quoted(tool)),"arguments":\#(parsed.rawText)"#
    }

    private static func time(_ seconds: Double) -> TimeAmount {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
