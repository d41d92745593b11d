package import NIOCore
package import SwitchboardCore
package import SwitchboardUpstream
package import SwitchboardPolicy
import Synchronization

/// One client's MCP session: what it negotiated and declared, its calls in flight, and the
/// server-to-client requests waiting for its answer. Shared between the transport that owns
/// the client connection and the upstream sessions that deliver to it.
package final class DownstreamSession: Sendable {
    /// A server-to-client request forwarded to this client, awaiting its answer.
    package struct ForwardedRequest: Sendable {
        package enum Origin: Sendable {
            /// A legacy server's own request: the answer goes back under the server's id.
            case server(UpstreamServer, id: JSONRPCID)
            /// One entry of a 2026-07-28 server's `input_required`: the answer is gathered
            /// for the retry (spec digest §4.3).
            case input(InputGathering, key: String)
        }
        package var origin: Origin
        package var method: String

        package init(origin: Origin, method: String) {
            self.origin = origin
            self.method = method
        }
    }

    struct State {
        var initialized = false
        var logLevel: String?
        var stream: (any DownstreamStream)?
        var calls: [JSONRPCID: ForwardedCall] = [:]
        var forwarded: [Int: ForwardedRequest] = [:]
        var nextForwardedID = 1
        var subscriptions: Set<String> = []
        var lastActivity = NIODeadline.now()
        var closed = false
    }

    package let id: String
    package let revision: String
    /// The `capabilities` object the client sent in `initialize`.
    package let clientCapabilities: JSONView?
    package let clientName: String
    /// A 2026-07-28 client: the "session" lives for one request (or one listen stream) and
    /// carries what that request's `_meta` declared.
    package let isModern: Bool
    /// The virtual server the session was opened on (`/mcp/{name}`); nil for `/mcp` itself.
    /// A session is used only through the endpoint that opened it.
    package let virtualServer: String?
    /// Whose session it is: only the same caller (kind and name) may use it. Each request is
    /// judged by the caller it proved itself (`RequestCaller`), which may carry other roles.
    package let principal: Principal
    /// `{"name":"switchboard","version":…}`: how the gateway names itself to this client, in
    /// every 2026-07-28 result (`EraShaping`).
    package let serverInfo: String
    let state: Mutex<State>
    let tap: WireTap?
    /// Where its requests' durations go (nil: `metrics.enabled` is off).
    let metrics: RequestMetrics?
    /// Where its requests' spans go (nil: traces are off).
    let tracer: RequestTracer?
    /// The audit fields naming its caller and itself, encoded on its first audited call.
    private let auditCaller = Mutex<ByteBuffer?>(nil)

    package init(
        id: String,
        revision: String,
        clientCapabilities: JSONView?,
        clientName: String,
        tap: WireTap?,
        metrics: RequestMetrics? = nil,
        tracer: RequestTracer? = nil,
        principal: Principal = .anonymous(),
        virtualServer: String? = nil,
        serverInfo: String = #"{"name":"switchboard"}"#
    ) {
        self.id = id
        self.revision = revision
        self.clientCapabilities = clientCapabilities
        self.clientName = clientName
        self.isModern = ProtocolRevision.modern.contains(revision)
        self.tap = tap
        self.metrics = metrics
        self.tracer = tracer
        self.virtualServer = virtualServer
        self.principal = principal
        self.serverInfo = serverInfo
        self.state = Mutex(State())
    }

    /// The audit record fields naming this session and its caller (`CallAudit`), made by
    /// `encode` once.
    func auditCallerFields(_ encode: () -> ByteBuffer) -> ByteBuffer {
        if let cached = auditCaller.withLock({ $0 }) { return cached }
        let encoded = encode()
        auditCaller.withLock { $0 = encoded }
        return encoded
    }

    /// The owner, for messages that carry no caller of their own (`switchboard stdio`).
    package var requestCaller: RequestCaller { RequestCaller(principal: principal) }

    /// Whether the client declared `capability` (e.g. "sampling", "elicitation", "roots").
    package func declares(_ capability: String) -> Bool {
        declares(path: [capability])
    }

    /// Whether the client declared the capability at `path` (e.g. `["elicitation", "url"]`).
    /// `elicitation: {}` declares form mode alone (2025-11-25).
    package func declares(path: [String]) -> Bool {
        var value = clientCapabilities
        for key in path { value = value?[key] }
        return value != nil
    }

    /// The client's capabilities a server may use through the gateway: roots, sampling and
    /// elicitation (each relayed) and the tasks extension, nothing else (`{}` when none).
    package var bridgeableCapabilities: ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        for name in ["roots", "sampling", "elicitation"] {
            if let value = clientCapabilities?[name], value.isObject { w.field(name, raw: value.bytes) }
        }
        // The tasks extension passes through, task ids renamed (`TaskNaming`).
        if let tasks = clientCapabilities?["extensions"]?[MCPMeta.tasksExtension], tasks.isObject {
            w.key("extensions")
            w.beginObject()
            w.field(MCPMeta.tasksExtension, raw: tasks.bytes)
            w.endObject()
        }
        w.endObject()
        return w.buffer
    }

    package func touch() {
        state.withLock { $0.lastActivity = .now() }
    }

    package var lastActivity: NIODeadline { state.withLock { $0.lastActivity } }

    package var isIdle: Bool { state.withLock { $0.calls.isEmpty && $0.stream == nil } }

    package func markInitialized() {
        state.withLock { $0.initialized = true }
    }

    package var logLevel: String? {
        get { state.withLock { $0.logLevel } }
        set { state.withLock { $0.logLevel = newValue } }
    }

    /// Whether a log message at `level`, tied to one of this client's calls, goes to it. A
    /// legacy client that never set a level gets the server's choice; a 2026-07-28 request
    /// without `logLevel` gets no logs at all (spec digest §2.2).
    package func wantsLog(level: String?) -> Bool {
        guard let wanted = logLevel.flatMap(LogLevel.rank) else { return !isModern }
        return (level.flatMap(LogLevel.rank) ?? Int.max) >= wanted
    }

    package var isClosed: Bool { state.withLock { $0.closed } }

    // MARK: Streams

    /// Attaches the session's stream (GET on HTTP); a previous one is closed.
    package func attach(stream: any DownstreamStream) {
        let old = state.withLock { s -> (any DownstreamStream)? in
            defer { s.stream = stream }
            return s.stream
        }
        old?.close()
    }

    package func detach(stream: any DownstreamStream) {
        state.withLock { s in
            if s.stream === stream { s.stream = nil }
        }
    }

    /// Sends on the session stream; false when there is none.
    @discardableResult
    package func sendOnStream(_ message: ByteBuffer, kind: WireTap.Kind, method: String?) -> Bool {
        guard let stream = state.withLock({ $0.closed ? nil : $0.stream }) else { return false }
        tap?.record(revision: revision, kind: kind, method: method, message: message)
        return stream.send(message)
    }

    /// Sends on the session stream a message already recorded by the wire tap (an
    /// exchange's interim message that its own channel could not take).
    func sendOnStreamUnrecorded(_ message: ByteBuffer) -> Bool {
        guard let stream = state.withLock({ $0.closed ? nil : $0.stream }) else { return false }
        return stream.send(message)
    }

    // MARK: Calls

    package func register(call: ForwardedCall, id: JSONRPCID) {
        state.withLock { $0.calls[id] = call }
    }

    package func finish(call: ForwardedCall, id: JSONRPCID) {
        state.withLock { s in
            if s.calls[id] === call { s.calls[id] = nil }
        }
    }

    package func call(_ id: JSONRPCID) -> ForwardedCall? {
        state.withLock { $0.calls[id] }
    }

    package var inFlightCount: Int { state.withLock { $0.calls.count } }

    // MARK: Server-to-client requests

    /// Records a forwarded request and returns the id to use toward the client. Ids are the
    /// gateway's own so requests from different servers never clash in one session.
    package func forward(_ request: ForwardedRequest) -> Int {
        state.withLock { s in
            let id = s.nextForwardedID
            s.nextForwardedID += 1
            s.forwarded[id] = request
            return id
        }
    }

    package func takeForwarded(_ id: JSONRPCID) -> ForwardedRequest? {
        guard let n = Int(id.json) else { return nil }
        return state.withLock { $0.forwarded.removeValue(forKey: n) }
    }

    package func forwardedID(for upstreamID: JSONRPCID, server: UpstreamServer) -> Int? {
        state.withLock { s in
            s.forwarded.first {
                if case .server(let owner, let id) = $0.value.origin { return id == upstreamID && owner === server }
                return false
            }?.key
        }
    }

    // MARK: Subscriptions

    package func subscribe(_ uri: String) { _ = state.withLock { $0.subscriptions.insert(uri) } }
    package func unsubscribe(_ uri: String) { _ = state.withLock { $0.subscriptions.remove(uri) } }
    package func isSubscribed(_ uri: String) -> Bool { state.withLock { $0.subscriptions.contains(uri) } }

    /// Ends the session: streams close, calls in flight are cancelled upstream.
    package func close() {
        let (stream, calls) = state.withLock { s -> ((any DownstreamStream)?, [ForwardedCall]) in
            s.closed = true
            defer {
                s.stream = nil
                s.calls.removeAll()
                s.forwarded.removeAll()
            }
            return (s.stream, Array(s.calls.values))
        }
        stream?.close()
        for call in calls { call.cancel(reason: "session closed") }
    }
}
