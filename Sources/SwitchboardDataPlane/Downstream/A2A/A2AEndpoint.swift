import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardPolicy

/// The A2A front door (A2A 1.0 over JSON-RPC, with 0.3's method names and shapes): the
/// gateway (`/a2a`) and each virtual server (`/a2a/{name}`) as an agent whose skills are the
/// caller's tools. A message with a data part `{"skill", "arguments"}` starts a task that is
/// one `tools/call`, run as a 2026-07-28 request of the caller through the gateway itself
/// (`InternalCall`): identity, policy, quotas, guards, approvals and audit are those of
/// `/mcp`. Progress becomes working status updates, an elicitation `input-required` (the next
/// message to the task answers it, and the call resumes), cancelling a task cancels its call.
struct A2AEndpoint: Sendable {
    let gateway: Gateway
    let maxJSONDepth: Int
    let tasks: A2ATasks
    /// `public_url`'s origin (no path); nil: taken from the request's `Host`.
    let publicOrigin: String?
    /// Virtual servers' descriptions, for their cards.
    let descriptions: [String: String]
    /// The gateway asks for credentials (no anonymous callers).
    let wantsCredentials: Bool
    let acceptsAPIKeys: Bool
    let isTLS: Bool

    private var calls: InternalCall { InternalCall(gateway: gateway, maxJSONDepth: maxJSONDepth, clientName: "switchboard-a2a") }

    /// What the tools a task runs may ask the caller: form elicitation, answered by the
    /// task's next message.
    private static let capabilities = #"{"elicitation":{"form":{}}}"#

    // MARK: Cards

    /// The card of `/a2a` or `/a2a/{virtualServer}`: the caller's skills, or none (`caller` nil).
    func card(_ head: HTTPRequestHead, caller: RequestCaller?, virtualServer: String?, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        guard let caller else { return loop.makeSucceededFuture(HTTPReply(.ok, body: makeCard(head, tools: nil, virtualServer: virtualServer).json())) }
        return tools(caller, virtualServer: virtualServer, on: loop).map { tools in
            HTTPReply(.ok, headers: [("Cache-Control", "private, max-age=60")], body: makeCard(head, tools: tools, virtualServer: virtualServer).json())
        }
    }

    private func makeCard(_ head: HTTPRequestHead, tools: [JSONView]?, virtualServer: String?) -> A2AAgentCard {
        let origin = publicOrigin ?? ((isTLS ? "https://" : "http://") + (head.headers.first(name: "Host") ?? "127.0.0.1"))
        let name = virtualServer.map { "Switchboard: \($0)" } ?? "Switchboard"
        let description =
            virtualServer.flatMap { descriptions[$0] }
            ?? "Tools of the MCP servers behind this gateway. Send a message with a data part {\"skill\": ID, \"arguments\": {…}} to call one."
        return A2AAgentCard(
            name: name, description: description, url: origin + GatewayPath.a2aPath(virtualServer: virtualServer), version: gateway.version, tools: tools,
            wantsCredentials: wantsCredentials, acceptsAPIKeys: acceptsAPIKeys
        )
    }

    /// Every page of the caller's `tools/list`.
    private func tools(_ caller: RequestCaller, virtualServer: String?, on loop: any EventLoop) -> EventLoopFuture<[JSONView]> {
        @Sendable func next(_ cursor: String?, _ items: [JSONView], _ pages: Int) -> EventLoopFuture<[JSONView]> {
            let params = cursor.map { #"{"cursor":"# + JSONWriter.quoted($0) + "}" } ?? "{}"
            return calls.run(MCPMethod.toolsList, params: params, caller: caller, virtualServer: virtualServer, on: loop).answer.flatMap { answer in
                guard case .result(let result) = answer else { return loop.makeSucceededFuture(items) }
                let collected = items + (result["tools"]?.elements ?? [])
                if let cursor = result["nextCursor"]?.string, pages < 1000 { return next(cursor, collected, pages + 1) }
                return loop.makeSucceededFuture(collected)
            }
        }
        return next(nil, [], 1)
    }

    // MARK: JSON-RPC

    func serve(_ request: HTTPRequest, on connection: some HTTPConnection) -> HTTPOutcome {
        let loop = connection.channel.eventLoop
        guard request.head.method == .POST else { return .reply(HTTPRefusal.methodNotAllowed(allow: "POST")) }
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.parse(request.body, maxDepth: maxJSONDepth)
        } catch {
            return .reply(Self.reply(JSONRPCEncoding.error(id: nil, code: error.code, message: error.message)))
        }
        guard message.kind == .request, let id = message.id, let method = message.method else {
            return .reply(Self.reply(JSONRPCEncoding.error(id: message.id, code: JSONRPCErrorCode.invalidRequest, message: "expected a JSON-RPC request")))
        }
        guard let (operation, version) = A2AOperation.named(method) else {
            return .reply(Self.reply(JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.methodNotFound, message: "Method not found: \(method)")))
        }
        if let asked = request.head.headers.first(name: "A2A-Version"), !asked.isEmpty, !["1.0", "1", "0.3", "0.3.0", "1.0.0"].contains(asked) {
            return .reply(Self.reply(JSONRPCEncoding.error(id: id, code: A2AError.versionNotSupported, message: "A2A version \(asked) is not supported: 1.0 and 0.3 are")))
        }
        let context = Context(id: id, version: version, caller: request.caller, virtualServer: request.virtualServer, params: message.params)
        do throws(A2AError) {
            switch operation {
            case .send:
                return .later(try send(context, on: loop).map { .reply(Self.reply(JSONRPCEncoding.result(id: id, result: $0))) })
            case .stream:
                let begun = try begin(context, on: loop)
                return stream(begun.task, context, connection: connection, run: begun.run)
            case .subscribe:
                let task = try existing(context)
                guard !task.task.current.isInterrupted else {
                    throw A2AError(code: A2AError.unsupportedOperation, message: "task \(task.task.id) is \(task.task.current.name(version)): nothing more will come")
                }
                return stream(task.task, context, connection: connection, run: nil)
            case .get:
                let (task, historyLength) = try existing(context)
                return .reply(Self.reply(JSONRPCEncoding.result(id: id, result: A2AWire.task(task.snapshot, version, historyLength: historyLength))))
            case .cancel:
                let task = try existing(context).task
                guard task.cancel() else {
                    throw A2AError(code: A2AError.taskNotCancelable, message: "task \(task.id) has ended (\(task.current.name(version)))")
                }
                return .reply(Self.reply(JSONRPCEncoding.result(id: id, result: A2AWire.task(task.snapshot, version))))
            case .list:
                return .reply(Self.reply(JSONRPCEncoding.result(id: id, result: list(context))))
            case .extendedCard:
                return .later(card(request.head, caller: request.caller, virtualServer: request.virtualServer, on: loop).map { reply in
                    .reply(Self.reply(JSONRPCEncoding.result(id: id, result: reply.body ?? ByteBuffer(string: "{}"))))
                })
            case .pushNotifications:
                throw A2AError(code: A2AError.pushNotificationNotSupported, message: "push notifications are not supported: stream or poll the task")
            }
        } catch {
            return .reply(Self.reply(JSONRPCEncoding.error(id: id, code: error.code, message: error.message)))
        }
    }

    /// One request's particulars.
    struct Context: Sendable {
        var id: JSONRPCID
        var version: A2AVersion
        var caller: RequestCaller
        var virtualServer: String?
        var params: JSONView?
    }

    /// A2A answers errors in the JSON-RPC body, with 200.
    private static func reply(_ body: ByteBuffer) -> HTTPReply { HTTPReply(.ok, body: body) }

    private func existing(_ context: Context) throws(A2AError) -> (task: A2ATask, historyLength: Int?) {
        guard let id = context.params?["id"]?.string else { throw .invalidParams("params.id (the task) is missing") }
        guard let task = tasks.task(id, for: context.caller, virtualServer: context.virtualServer) else { throw .notFound(id) }
        return (task, context.params?["historyLength"]?.int)
    }

    private func list(_ context: Context) -> ByteBuffer {
        let contextID = context.params?["contextId"]?.string
        let state = context.params?["status"]?.string.flatMap(A2ATaskState.init(name:))
        let size = min(max(context.params?["pageSize"]?.int ?? 50, 1), 100)
        let matching = tasks.list(for: context.caller, virtualServer: context.virtualServer)
            .filter { contextID == nil || $0.contextID == contextID }
            .map(\.snapshot)
            .filter { state == nil || $0.state == state }
            .sorted { $0.timestamp > $1.timestamp }
        var w = JSONWriter()
        w.beginObject()
        w.key("tasks")
        w.beginArray()
        for task in matching.prefix(size) { A2AWire.writeTask(&w, task, context.version, historyLength: context.params?["historyLength"]?.int ?? 0) }
        w.endArray()
        w.field("nextPageToken", "")
        w.field("pageSize", size)
        w.field("totalSize", matching.count)
        w.endObject()
        return w.buffer
    }

    // MARK: Sending

    /// A task begun by a message (new, or resumed by an answer), with how to run it and what
    /// the message asked of the answer.
    struct Begun: Sendable {
        let task: A2ATask
        let incoming: A2AIncoming
        let run: @Sendable () -> Void
    }

    private func begin(_ context: Context, on loop: any EventLoop) throws(A2AError) -> Begun {
        let incoming = try A2AIncoming(context.params, context.version)
        let message = A2AMessage(messageID: incoming.messageID.isEmpty ? SessionID.generate() : incoming.messageID, fromAgent: false, parts: incoming.parts)
        if let taskID = incoming.taskID {
            guard let task = tasks.task(taskID, for: context.caller, virtualServer: context.virtualServer) else { throw .notFound(taskID) }
            let answer = try incoming.elicitationAnswer()
            guard let pending = task.takePending() else {
                throw .invalidParams("task \(taskID) is \(task.current.name(context.version)), not waiting for input: start a new task for another call")
            }
            task.received(message)
            let extra = #","inputResponses":{"# + JSONWriter.quoted(pending.inputKey) + ":" + answer + "}"
                + (pending.requestState.map { #","requestState":"# + JSONWriter.quoted($0) } ?? "")
            return Begun(task: task, incoming: incoming) { self.run(task, arguments: pending.arguments, extra: extra, context, on: loop) }
        }
        let (skill, arguments) = try incoming.invocation()
        let task = A2ATask(
            id: SessionID.generate(), contextID: incoming.contextID ?? SessionID.generate(), owner: context.caller.principal.id,
            virtualServer: context.virtualServer, skill: skill
        )
        task.received(message)
        guard tasks.add(task) else { throw A2AError(code: JSONRPCErrorCode.internalError, message: "too many tasks in progress: try again later") }
        return Begun(task: task, incoming: incoming) { self.run(task, arguments: arguments, extra: "", context, on: loop) }
    }

    /// `SendMessage`: the task once it ends or asks, or at once when the client will poll.
    private func send(_ context: Context, on loop: any EventLoop) throws(A2AError) -> EventLoopFuture<ByteBuffer> {
        let begun = try begin(context, on: loop)
        let historyLength = begun.incoming.historyLength
        let render: @Sendable (A2ATaskSnapshot) -> ByteBuffer = { snapshot in
            context.version == .v1 ? A2AWire.taskEvent(snapshot, .v1) : A2AWire.task(snapshot, .v03, historyLength: historyLength)
        }
        guard begun.incoming.blocking else {
            begun.run()
            return loop.makeSucceededFuture(render(begun.task.snapshot))
        }
        let promise = loop.makePromise(of: ByteBuffer.self)
        let followed = begun.task.follow { snapshot, _ in
            if snapshot.state.isInterrupted { promise.succeed(render(snapshot)) }
        }
        if followed.id == nil { promise.succeed(render(followed.snapshot)) }
        begun.run()
        return promise.futureResult
    }

    /// `SendStreamingMessage` and `SubscribeToTask`: an event stream of the task, its status
    /// now first, each change after, closed once it ends or asks. The task does not depend on
    /// the stream: a client that goes away may subscribe again or poll.
    private func stream(_ task: A2ATask, _ context: Context, connection: some HTTPConnection, run: (@Sendable () -> Void)?) -> HTTPOutcome {
        let responder = connection.postResponder(acceptsEventStream: true)
        let id = context.id
        let version = context.version
        let followed = task.follow { snapshot, change in
            if change == .result, let artifact = A2AWire.artifactEvent(snapshot, version) {
                responder.sendInterim(JSONRPCEncoding.result(id: id, result: artifact))
            }
            let status = JSONRPCEncoding.result(id: id, result: A2AWire.statusEvent(snapshot, version))
            if snapshot.state.isInterrupted {
                responder.sendFinal(status, httpStatus: 200, retryAfter: nil)
            } else {
                responder.sendInterim(status)
            }
        }
        responder.sendInterim(JSONRPCEncoding.result(id: id, result: A2AWire.taskEvent(followed.snapshot, version)))
        if followed.id == nil {
            responder.sendFinal(JSONRPCEncoding.result(id: id, result: A2AWire.statusEvent(followed.snapshot, version)), httpStatus: 200, retryAfter: nil)
        }
        run?()
        return .answering(responder, nil)
    }

    // MARK: Running

    /// The task's `tools/call` (again, with `extra` answers, after input-required).
    private func run(_ task: A2ATask, arguments: String, extra: String, _ context: Context, on loop: any EventLoop) {
        task.started()
        let (answer, exchange) = calls.run(
            MCPMethod.toolsCall, params: InternalCall.callParams(name: task.skill, arguments: arguments, extra: extra), caller: context.caller,
            virtualServer: context.virtualServer, capabilities: Self.capabilities, progressToken: task.id,
            interim: { message in
                guard message["method"]?.string == MCPMethod.progress, let params = message["params"] else { return }
                task.progressed(Self.progressText(params))
            },
            on: loop
        )
        guard task.running(exchange) else { return }
        answer.whenSuccess { answer in self.settle(task, answer, arguments: arguments) }
    }

    private static func progressText(_ params: JSONView) -> String {
        if let message = params["message"]?.string, !message.isEmpty { return message }
        let progress = params["progress"].map(\.rawText) ?? "?"
        return params["total"].map { "progress \(progress) of \($0.rawText)" } ?? "progress \(progress)"
    }

    /// Codes that mean the gateway would not run the call (not that it failed).
    private static let refusals: Set<Int> = [
        JSONRPCErrorCode.policyDenied, JSONRPCErrorCode.forbidden, JSONRPCErrorCode.toolQuarantined, JSONRPCErrorCode.guardBlocked,
        JSONRPCErrorCode.invalidParams, JSONRPCErrorCode.approvalRequired, JSONRPCErrorCode.quotaExceeded, JSONRPCErrorCode.unauthorized,
    ]

    private func settle(_ task: A2ATask, _ answer: InternalCall.Answer, arguments: String) {
        switch answer {
        case .error(let code, let message, _, _):
            task.finished(Self.refusals.contains(code) ? .rejected : .failed, parts: nil, message: "\(message) (\(code))")
        case .result(let result) where result["resultType"]?.string == "input_required":
            let requests = result["inputRequests"]?.members ?? []
            guard let (key, request) = requests.first(where: { $0.value["method"]?.string == MCPMethod.elicitationCreate }) else {
                let requestState = result["requestState"]?.string
                if requests.isEmpty, requestState != nil {
                    // Asked to come back with nothing to answer (load shedding): fail rather than spin.
                    task.finished(.failed, parts: nil, message: "the server asked to retry later")
                } else {
                    task.finished(.failed, parts: nil, message: "the tool asks for sampling or roots, which an A2A client cannot answer")
                }
                return
            }
            let params = request["params"]
            let question = params?["message"]?.string ?? "The tool needs more input."
            task.asks(
                question, schema: params?["requestedSchema"]?.rawText,
                pending: A2ATask.Pending(arguments: arguments, requestState: result["requestState"]?.string, inputKey: key)
            )
        case .result(let result):
            let parts = A2AWire.parts(of: result)
            if result["isError"]?.bool == true {
                let text = parts.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined(separator: "\n")
                task.finished(.failed, parts: parts, message: text.isEmpty ? "the tool failed" : text)
            } else {
                task.finished(.completed, parts: parts, message: nil)
            }
        }
    }
}
