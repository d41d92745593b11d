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

    /// How the client speaks MCP (spec digest §1.3, §1.4).
    enum Era: String, ExpressibleByArgument, CaseIterable {
        /// `initialize`, then every request within the session it opened.
        case legacy
        /// 2026-07-28: stateless requests, each carrying its version and capabilities.
        case modern
        /// Not MCP: the gateway's REST front door. `--url` is `…/api/v1/tools/{name}/call`,
        /// every request POSTs `--arguments`, and the answer is the tool's result.
        case rest
        /// Not MCP: the gateway's A2A front door. `--url` is `…/a2a`, every request is a
        /// `SendMessage` whose data part calls `--tool` with `--arguments`, and the answer is
        /// the completed task.
        case a2a
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

    @Option(help: ArgumentHelp(
        "legacy: initialize, then requests within the session; modern: stateless 2026-07-28 requests (no initialize, no session); rest: the gateway's REST front door (--url …/api/v1/tools/NAME/call); a2a: its A2A front door (--url …/a2a, SendMessage calling --tool).",
        discussion: "Default: modern when --protocol-version names a 2026 revision, otherwise legacy."
    ))
    var era: Era?

    @Option(
        name: [.customLong("protocol-version"), .customLong("protocol")],
        help: "The revision offered in initialize (legacy) or carried by every request (modern); default 2025-11-25, or 2026-07-28 for --era modern."
    )
    var protocolVersion: String?

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
        if let protocolVersion, let era, (era == .modern) != ProtocolRevision.modern.contains(protocolVersion) {
            throw ValidationError("--protocol-version \(protocolVersion) is not a revision of the \(era.rawValue) era")
        }
        if resolvedEra == .modern, sessions != 1 {
            throw ValidationError("--sessions: a 2026-07-28 client has no sessions")
        }
        if resolvedEra == .rest || resolvedEra == .a2a, method != .toolsCall || sessions != 1 || progressToken {
            throw ValidationError("--era \(resolvedEra.rawValue) makes tools/call requests only, without sessions or progress tokens")
        }
    }

    private var resolvedEra: Era {
        era ?? (protocolVersion.map(ProtocolRevision.modern.contains) == true ? .modern : .legacy)
    }

    private var resolvedVersion: String {
        protocolVersion ?? (resolvedEra == .modern ? ProtocolRevision.latestModern : "2025-11-25")
    }

    func run() async throws {
        let endpoint = try BenchURL(parsing: url)
        let headers = try header.map { (text: String) throws(BenchError) in try HeaderArgument(parsing: text) }
        if resolvedEra == .rest || resolvedEra == .a2a { return try await runPlain(endpoint, headers: headers) }
        let params = try requestParams()
        let modern = resolvedEra == .modern
        let envelope = modern ? ModernEnvelope(version: resolvedVersion, method: method.rawValue, name: method == .toolsCall ? tool : nil) : nil
        let resultCheck = ResultShapeCheck.forRun(modern: modern, method: method.rawValue)
        let opened: [MCPSession] = if envelope == nil {
            try await openSessions(endpoint, headers: headers)
        } else {
            [MCPSession(id: nil, protocolVersion: resolvedVersion)]
        }

        let encoder = MCPRequestEncoder(
            url: endpoint, sessions: opened, headers: headers, method: method.rawValue, params: params,
            progressToken: progressToken, envelope: envelope
        )
        if let envelope {
            try await checkFirstRequest(endpoint, headers: headers + envelope.headers, encoder: encoder, resultCheck: resultCheck)
        }
        let plan = LoadPlan(url: endpoint, encoder: encoder, connections: connections, rate: rate, resultCheck: resultCheck)
        let run = LoadRun(plan: plan, warmup: Self.time(warmup), duration: Self.time(duration), group: BenchEventLoops.group)
        let outcome = try await run.run()
        let report = LoadReport(
            tally: outcome.tally,
            durationSeconds: outcome.measuredSeconds,
            sessions: opened[0].id == nil ? 0 : opened.count,
            connections: connections,
            rate: rate,
            cpu: outcome.cpu
        )
        print(json ? report.jsonLine : "switchboard-bench load \(url) \(method.rawValue)\(modern ? " (\(resolvedVersion), stateless)" : "")\n" + report.summary)
    }

    /// `--era rest` and `--era a2a`: the same load, each request the arguments POSTed to the
    /// REST call URL, or a `SendMessage` calling the tool POSTed to the A2A endpoint; the same
    /// body every time (the answer on a connection is its request's).
    private func runPlain(_ endpoint: BenchURL, headers: [HeaderArgument]) async throws {
        guard let parsed = try? JSONView.parse(ByteBuffer(string: arguments)), parsed.isObject else {
            throw ValidationError("--arguments must be a JSON object")
        }
        let a2a = resolvedEra == .a2a
        let body =
            a2a
            ? #"{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"bench","role":"ROLE_USER","parts":[{"data":{"skill":"#
                + JSONWriter.quoted(tool) + #","arguments":"# + parsed.rawText + "}}]}}}"
            : parsed.rawText
        let encoder = MCPRequestEncoder(restCall: endpoint, headers: headers, arguments: body)
        let plan = LoadPlan(url: endpoint, encoder: encoder, connections: connections, rate: rate, resultCheck: a2a ? .a2aTask : .legacyCall, plainAnswers: true)
        let run = LoadRun(plan: plan, warmup: Self.time(warmup), duration: Self.time(duration), group: BenchEventLoops.group)
        let outcome = try await run.run()
        let report = LoadReport(tally: outcome.tally, durationSeconds: outcome.measuredSeconds, sessions: 0, connections: connections, rate: rate, cpu: outcome.cpu)
        print(json ? report.jsonLine : "switchboard-bench load \(url) (\(a2a ? "A2A" : "REST"))\n" + report.summary)
    }

    /// Opens `--sessions` sessions; the first also tells whether the server keeps sessions at
    /// all (a sessionless server gets every request without one).
    private func openSessions(_ endpoint: BenchURL, headers: [HeaderArgument]) async throws -> [MCPSession] {
        let client = HandshakeClient(url: endpoint, headers: headers, group: BenchEventLoops.group)
        let opener = SessionOpener(client: client, protocolVersion: resolvedVersion)
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
        return opened
    }

    /// A 2026-07-28 run has no handshake to fail on, so one request goes first: a server that
    /// refuses the envelope stops the run with its reason instead of a run of identical errors.
    private func checkFirstRequest(_ endpoint: BenchURL, headers: [HeaderArgument], encoder: MCPRequestEncoder, resultCheck: ResultShapeCheck) async throws {
        let client = HandshakeClient(url: endpoint, headers: headers, group: BenchEventLoops.group)
        let session = MCPSession(id: nil, protocolVersion: resolvedVersion)
        let answer: HandshakeConnection.Answer
        do {
            answer = try await client.withConnection { try await $0.post(encoder.body(id: 0), session: session, expectedID: 0) }
        } catch {
            throw BenchError("cannot start against \(url): \(error)")
        }
        guard case .response(let result) = answer.outcome else {
            throw BenchError("cannot start against \(url): the first 2026-07-28 \(method.rawValue) failed: \(answer.outcome.errorText ?? "no result")")
        }
        if let problem = resultCheck.problem(in: result) {
            throw BenchError("cannot start against \(url): \(problem)")
        }
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
