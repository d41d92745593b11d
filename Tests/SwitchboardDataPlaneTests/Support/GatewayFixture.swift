import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import SwitchboardCore
import SwitchboardGuards
import SwitchboardPolicy
import SwitchboardTesting
import SwitchboardUpstream
@testable import SwitchboardDataPlane

/// A gateway on an `EmbeddedEventLoop` whose servers are scripted transports: no sockets, no
/// processes, no sleeps. Work queued on the loop runs when the test runs the loop (`run`), and
/// time moves only when the test advances it (`advance`).
final class GatewayFixture {
    struct Server {
        var name: String
        var capabilities: String = #"{"tools":{}}"#
        var era: ServerEraSetting = .legacy
        var timeouts = ServerTimeouts()
        var script: @Sendable (JSONRPCMessage) -> ScriptedUpstreamTransport.Answer = { _ in .later }
        /// The tools it lists, for a `script` that does not answer `tools/list` with a list
        /// page or an error (one that answers every method alike, or leaves it for later): a
        /// call to a name its server does not list never reaches it, and the gateway lists a
        /// server before its first call.
        var tools: [String] = GatewayFixture.tools
    }

    /// What a scripted server lists unless told otherwise: the names the tests call.
    static let tools = ["book", "delete", "drop", "echo", "export", "find", "flaky", "get", "guessed", "lookup", "other", "plain", "restart"]

    let loop = EmbeddedEventLoop()
    let gateway: Gateway
    let transports: [String: ScriptedUpstreamTransport]

    /// `contentGuards`: results and arguments go through a `ContentGuard` made from the
    /// config's `guards.results` (what the runtime builds with guards on).
    /// `approvals`: calls a policy holds for a human go through this queue.
    init(_ servers: [Server], contentGuards: Bool = false, approvals: ApprovalDesk? = nil, configure: (inout GatewayConfig) -> Void = { _ in }) throws {
        var config = GatewayConfig(servers: servers.map {
            // The transport is scripted; the configured one is never dialled.
            ServerConfig(name: $0.name, transport: .stdio(StdioLaunch(command: "/bin/false")), timeouts: $0.timeouts, era: $0.era)
        })
        configure(&config)
        var transports: [String: ScriptedUpstreamTransport] = [:]
        for server in servers {
            let (script, tools) = (server.script, server.tools)
            let list = #"{"tools":["# + tools.map { #"{"name":""# + $0 + #"","inputSchema":{"type":"object"}}"# }.joined(separator: ",") + "]}"
            transports[server.name] = ScriptedUpstreamTransport(loop: loop, capabilities: server.capabilities) { message in
                let answer = script(message)
                guard message.method == MCPMethod.toolsList else { return answer }
                switch answer {
                case .result(let json) where json.contains(#""tools""#): return answer
                case .error: return answer
                default: return .result(list)
                }
            }
        }
        self.transports = transports
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        gateway = Gateway(
            config: config, group: loop, logger: logger, version: "test", governance: try Governance(config: config, logger: logger),
            content: contentGuards ? ContentGuard(config: config, scanner: DefinitionScanner()) : nil, approvals: approvals,
            makeTransport: { config, _, _ in transports[config.name]! }
        )
        gateway.start()
        run()
    }

    deinit {
        _ = gateway.shutdown()
        try? loop.syncShutdownGracefully()
    }

    subscript(server: String) -> ScriptedUpstreamTransport { transports[server]! }

    /// Runs what is queued on the loop (deliveries, completions) until nothing is left.
    func run() {
        loop.run()
    }

    /// Moves time on: scheduled work that falls due runs.
    func advance(by amount: TimeAmount) {
        loop.advanceTime(by: amount)
    }

    /// A legacy session opened with `initialize` at `revision`, declaring `capabilities`, at
    /// `/mcp` or a virtual server's endpoint.
    func session(revision: String = "2025-11-25", capabilities: String = "{}", caller: Principal = .anonymous(), virtualServer: String? = nil) throws -> DownstreamSession {
        let message = try Self.message(
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":""# + revision + #"","capabilities":"# + capabilities
                + #","clientInfo":{"name":"fixture","version":"1"}}}"#
        )
        let opened = gateway.initialize(message, caller: caller, virtualServer: virtualServer, on: loop)
        run()
        return try opened.wait().0
    }

    /// Sends `json` from a client of `session`, as `caller` (the session's owner by default).
    @discardableResult
    func send(_ json: String, in session: DownstreamSession, as caller: Principal? = nil) throws -> RecordingResponder {
        let responder = RecordingResponder()
        let message = try Self.message(json)
        let exchange = MCPExchange(
            message: message, session: session, caller: RequestCaller(principal: caller ?? session.principal), responder: responder, loop: loop
        )
        responder.exchange = exchange
        gateway.handle(exchange)
        run()
        return responder
    }

    /// Sends a 2026-07-28 request (its `_meta` envelope is added, declaring `capabilities`).
    @discardableResult
    func sendStateless(_ json: String, capabilities: String = "{}", as caller: Principal = .anonymous()) throws -> RecordingResponder {
        let responder = RecordingResponder()
        let message = try Self.message(Self.withEnvelope(json, capabilities: capabilities))
        guard case .success(let request) = ModernRequest.check(message, headers: nil, annotated: { _ in [] }) else {
            throw FixtureError.notStateless
        }
        responder.exchange = gateway.serveStateless(
            message, request: request, caller: RequestCaller(principal: caller), virtualServer: nil, responder: responder, on: loop
        )
        run()
        return responder
    }

    enum FixtureError: Error { case notStateless }

    static func message(_ json: String) throws -> JSONRPCMessage {
        try JSONRPCMessage.parse(ByteBuffer(string: json), maxDepth: 64)
    }

    /// `json` (a request with `params`) with the 2026-07-28 `_meta` envelope in its params.
    static func withEnvelope(_ json: String, capabilities: String) -> String {
        let meta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":"#
            + capabilities + "}"
        let params = json.range(of: #""params":{"#)!
        let rest = json[params.upperBound...]
        return json[..<params.upperBound] + meta + (rest.first == "}" ? "" : ",") + rest
    }
}

/// Records what one request's responder was asked to send.
final class RecordingResponder: DownstreamResponder, Sendable {
    private struct State {
        var interims: [String] = []
        var final: String?
        var status = 0
        var retryAfter: Int?
        var abandoned = false
        var exchange: MCPExchange?
    }

    private let state = Mutex(State())

    var interims: [String] { state.withLock { $0.interims } }
    var final: String? { state.withLock { $0.final } }
    var status: Int { state.withLock { $0.status } }
    var retryAfter: Int? { state.withLock { $0.retryAfter } }
    var abandoned: Bool { state.withLock { $0.abandoned } }
    /// The exchange the responder answers, kept by the fixture (a test may end it).
    var exchange: MCPExchange? {
        get { state.withLock { $0.exchange } }
        set { state.withLock { $0.exchange = newValue } }
    }

    /// The final message, parsed.
    func finalView() throws -> JSONView {
        guard let final else { throw RecordingError.noFinal }
        return try JSONView.parse(ByteBuffer(string: final))
    }

    enum RecordingError: Error { case noFinal }

    func sendInterim(_ message: ByteBuffer) -> Bool {
        state.withLock { $0.interims.append(String(buffer: message)) }
        return true
    }

    func sendFinal(_ message: ByteBuffer, httpStatus: Int, retryAfter: Int?) {
        state.withLock { s in
            guard s.final == nil else { return }
            s.final = String(buffer: message)
            s.status = httpStatus
            s.retryAfter = retryAfter
        }
    }

    func abandon() {
        state.withLock { $0.abandoned = true }
    }
}
