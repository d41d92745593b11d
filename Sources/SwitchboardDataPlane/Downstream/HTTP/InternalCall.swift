import NIOCore
import Synchronization
import SwitchboardCore

/// One MCP request made by a front door that does not speak MCP (REST, OpenAI, A2A) on behalf
/// of its caller: written as a 2026-07-28 request and run through the gateway itself
/// (`Gateway.serveStateless`), so identity, policy, quotas, guards, approvals and audit are
/// those of `/mcp`. What it comes to is an `Answer`; messages tied to the request (progress)
/// go to `interim` when one is given.
struct InternalCall: Sendable {
    /// What one MCP request through the gateway came to.
    enum Answer: Sendable {
        case result(JSONView)
        case error(code: Int, message: String, httpStatus: Int, retryAfter: Int?)
    }

    let gateway: Gateway
    let maxJSONDepth: Int
    /// `clientInfo.name` in the request's `_meta`: which front door asked.
    let clientName: String

    /// `params` (a JSON object's text) with `_meta` added: the revision, `clientInfo`, the
    /// capabilities the front door can answer for (`capabilities`, JSON) and, with
    /// `progressToken`, a token for progress.
    func run(
        _ method: String, params: String, caller: RequestCaller, virtualServer: String?, capabilities: String = "{}", progressToken: String? = nil,
        interim: (@Sendable (JSONView) -> Void)? = nil, on loop: any EventLoop
    ) -> (answer: EventLoopFuture<Answer>, exchange: MCPExchange?) {
        var meta = #"{"\#(MCPMeta.protocolVersion)":"2026-07-28","\#(MCPMeta.clientInfo)":{"name":"# + JSONWriter.quoted(clientName)
            + #","version":"1"},"\#(MCPMeta.clientCapabilities)":"# + capabilities
        if let progressToken { meta += #","progressToken":"# + JSONWriter.quoted(progressToken) }
        meta += "}"
        let withMeta = params == "{}" ? #"{"_meta":"# + meta + "}" : #"{"_meta":"# + meta + "," + params.dropFirst()
        let json = #"{"jsonrpc":"2.0","id":1,"method":""# + method + #"","params":"# + withMeta + "}"
        // The arguments sit two levels down: they may be as deep as a client's body may be.
        guard let message = try? JSONRPCMessage.parse(ByteBuffer(string: json), maxDepth: maxJSONDepth + 4),
            case .success(let modern) = ModernRequest.check(message, headers: nil, annotated: { _ in [] })
        else {
            return (loop.makeSucceededFuture(.error(code: JSONRPCErrorCode.internalError, message: "the request could not be made", httpStatus: 500, retryAfter: nil)), nil)
        }
        let promise = loop.makePromise(of: Answer.self)
        let responder = InternalCallResponder(promise, interim: interim)
        let exchange = gateway.serveStateless(message, request: modern, caller: caller, virtualServer: virtualServer, responder: responder, on: loop)
        return (promise.futureResult, exchange)
    }

    /// `tools/call` of `name` with `arguments` (a JSON object's text) and any further params
    /// members (`extra`: `,"inputResponses":…`).
    static func callParams(name: String, arguments: String, extra: String = "") -> String {
        #"{"name":"# + JSONWriter.quoted(name) + #","arguments":"# + arguments + extra + "}"
    }
}

/// Takes a request's one answer, and hands what precedes it to `interim`.
private final class InternalCallResponder: DownstreamResponder, Sendable {
    private let promise: Mutex<EventLoopPromise<InternalCall.Answer>?>
    private let interim: (@Sendable (JSONView) -> Void)?

    init(_ promise: EventLoopPromise<InternalCall.Answer>, interim: (@Sendable (JSONView) -> Void)?) {
        self.promise = Mutex(promise)
        self.interim = interim
    }

    func sendInterim(_ message: ByteBuffer) -> Bool {
        guard let interim, let view = try? JSONView.parse(message) else { return false }
        interim(view)
        return true
    }

    func sendFinal(_ message: ByteBuffer, httpStatus: Int, retryAfter: Int?) {
        guard let promise = promise.withLock({ p -> EventLoopPromise<InternalCall.Answer>? in defer { p = nil }; return p }) else { return }
        guard let view = try? JSONView.parse(message) else {
            promise.succeed(.error(code: JSONRPCErrorCode.internalError, message: "unreadable answer", httpStatus: 500, retryAfter: nil))
            return
        }
        if let result = view["result"] {
            promise.succeed(.result(result))
        } else {
            let error = view["error"]
            promise.succeed(.error(
                code: error?["code"]?.int ?? JSONRPCErrorCode.internalError, message: error?["message"]?.string ?? "error", httpStatus: httpStatus,
                retryAfter: retryAfter
            ))
        }
    }

    func abandon() {
        promise.withLock { p in
            p?.succeed(.error(code: JSONRPCErrorCode.requestCancelled, message: "Request cancelled", httpStatus: 503, retryAfter: nil))
            p = nil
        }
    }
}
