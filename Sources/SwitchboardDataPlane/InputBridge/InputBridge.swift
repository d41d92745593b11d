import NIOCore
import Logging
import SwitchboardCore
import SwitchboardUpstream

/// Server-to-client requests (sampling, elicitation, roots) made during a call, across eras.
///
/// A 2026-07-28 client calling a legacy server that asks for input mid-call (spec digest
/// §4.2): the server's requests become an `input_required` result; the upstream call stays
/// open, bounded by its timeout, until the client retries with `inputResponses` and the sealed
/// `requestState`, which resumes the very same call. A retry that reaches a gateway without the
/// held call (another replica, or after a restart) runs the call again and answers the
/// server's questions from the retry's answers, matched by a digest of each question: the same
/// question gets the same answer, a new one is asked. The state is bound to the method, the
/// name and a digest of the arguments, and a handle resumes once.
///
/// The other way round (a legacy client, a 2026-07-28 server) is `gather`.
final class InputBridge: Sendable {
    /// Questions a server sends within this window of each other go out in one result.
    static let questionWindow = TimeAmount.milliseconds(10)
    /// Only these requests may answer `input_required` (§4.1).
    static let inputRequiredMethods: Set<String> = [MCPMethod.toolsCall, MCPMethod.promptsGet, MCPMethod.resourcesRead]

    /// Calls of 2026-07-28 clients waiting for their retry after `input_required`.
    let heldCalls = HeldByHandle<HeldCall>()
    private let sealer: Sealer
    /// Held calls are bounded like sessions (`sessions.max_sessions`).
    private let maxHeld: Int
    private let maxJSONDepth: Int
    /// Where the gathering window and the holds' expiry run.
    let loop: any EventLoop
    let logger: Logger

    /// Where a held call's shown name is read back to the server's own (`rerun`).
    private let names: Catalogue

    init(sealer: Sealer, maxHeld: Int, maxJSONDepth: Int, names: Catalogue, loop: any EventLoop, logger: Logger) {
        self.names = names
        self.sealer = sealer
        self.maxHeld = maxHeld
        self.maxJSONDepth = maxJSONDepth
        self.loop = loop
        self.logger = logger
    }

    /// What a 2026-07-28 request carrying a `requestState` comes to.
    enum Resumption {
        /// No state of this gateway's: the request is a fresh call (a 2026-07-28 server's own
        /// state is relayed as it is).
        case notHeld
        /// Resumed (the retry answers the held call now), or refused with an error.
        case handled
        /// The server finished while the client was away: this is the answer to relay.
        case finished(Result<JSONRPCMessage, any Error>, method: String)
        /// The held call is not here: run it again with these params (the retry fields
        /// removed) and answer the questions the client already answered.
        case rerun(params: JSONView, edits: [(target: JSONView, json: String)], prefilled: [String: ByteBuffer])
    }

    /// A server-to-client request (sampling, elicitation, roots), `during` the call it was
    /// tied to when the server's stream tells. A 2026-07-28 client cannot be sent requests: it
    /// gets `input_required` (§4.2), also when its client is away answering an earlier round.
    /// A legacy client gets the request under a gateway id, on the call's own stream or its
    /// session's; its answer returns to this server under the server's id.
    func relay(_ message: JSONRPCMessage, from server: UpstreamServer, during call: ForwardedCall?, sessions: SessionRegistry) {
        let method = message.method!
        guard let capability = RequestState.capability(for: method) else {
            server.respondError(to: message.id!, code: JSONRPCErrorCode.methodNotFound, message: "Method not found: \(method)")
            return
        }
        call?.target?.mark(.firstByte)
        if let call, call.session?.isModern ?? true {
            ask(message, call: call, from: server)
            return
        }
        // With one client connected there is no doubt where an unattributed request belongs.
        guard let session = call?.session ?? sessions.sole else {
            server.respondError(to: message.id!, code: JSONRPCErrorCode.methodNotFound, message: "No client session to route \(method) to")
            return
        }
        guard session.declares(capability) else {
            server.respondError(to: message.id!, code: JSONRPCErrorCode.methodNotFound, message: "The client does not support \(method)")
            return
        }
        let id = session.forward(.init(origin: .server(server, id: message.id!), method: method))
        let outgoing = JSONRPCEncoding.request(id: JSONRPCID(id), method: method, params: RequestState.relayable(method: method, params: message.params))
        let delivered = call?.target.map { $0.sendInterim(outgoing, kind: .request, method: method) }
            ?? session.sendOnStream(outgoing, kind: .request, method: method)
        if !delivered {
            _ = session.takeForwarded(JSONRPCID(id))
            server.respondError(to: message.id!, code: JSONRPCErrorCode.internalError, message: "The client has no open stream for \(method)")
        }
    }

    // MARK: 2026-07-28 client, legacy server

    /// A server-to-client request made during a 2026-07-28 client's call.
    private func ask(_ message: JSONRPCMessage, call: ForwardedCall, from server: UpstreamServer) {
        let method = message.method!
        guard Self.inputRequiredMethods.contains(call.method) else {
            server.respondError(to: message.id!, code: JSONRPCErrorCode.methodNotFound, message: "\(method) cannot be relayed during \(call.method)")
            return
        }
        let params = RequestState.relayable(method: method, params: message.params)
        let digest = RequestState.digest(method: method, params: message.params)
        if let answer = call.prefilled[digest] {
            server.respond(to: message.id!, result: answer, error: nil)
            return
        }
        let key = server.name + "-" + message.id!.json.filter { $0 != "\"" }
        let question = ForwardedCall.Question(key: key, upstreamID: message.id!, method: method, params: params ?? ByteBuffer(string: "{}"), digest: digest)
        switch call.ask(question) {
        case .flushSoon:
            loop.scheduleTask(in: Self.questionWindow) { self.sendInputRequired(call, from: server) }
        case .wait:
            break
        case .refused:
            server.respondError(to: message.id!, code: JSONRPCErrorCode.internalError, message: "The call is no longer waiting for input")
        }
    }

    /// Answers the client's request with the gathered questions and holds the call.
    func sendInputRequired(_ call: ForwardedCall, from server: UpstreamServer) {
        guard let (target, questions) = call.goAway() else { return }
        target.session.finish(call: call, id: target.message.id!)
        // Capabilities are per request: each question is checked against this request's.
        if let missing = questions.lazy.compactMap({ RequestState.requiredCapability(for: $0) }).first(where: { !target.session.declares(path: $0) }) {
            // The client learns what it lacks (-32021, §1.4) and the server's call stops.
            let name = missing.joined(separator: ".")
            for q in questions { server.respondError(to: q.upstreamID, code: JSONRPCErrorCode.methodNotFound, message: "The client did not declare \(name) on this request") }
            _ = call.expire()
            if let id = call.upstreamID { server.cancel(id: id, reason: "the client lacks \(name)") }
            target.fail(.missingCapability(name))
            return
        }
        guard heldCalls.count < maxHeld else {
            _ = call.expire()
            if let id = call.upstreamID { server.cancel(id: id, reason: "too many calls waiting for input") }
            target.fail(.overloaded("too many calls waiting for input"))
            return
        }
        let handle = SessionID.generate()
        let ttl = server.config.timeouts.request
        heldCalls.hold(HeldCall(call: call, server: server), handle: handle)
        // The server waits on the client now; its timeout runs from here, as the state's does.
        if let id = call.upstreamID { server.restartDeadline(id: id) }
        let state = RequestState.seal(
            handle: handle, method: call.method, name: call.name ?? "", server: server.name,
            arguments: RequestState.argumentsDigest(target.message.params), questions: questions, ttl: ttl, for: target.session, sealer: sealer
        )
        target.answer(JSONRPCEncoding.result(id: target.message.id!, result: RequestState.inputRequired(questions, state: state)), isError: false)
        logger.debug("call held for input", metadata: target.logMetadata.merging(["switchboard.server": "\(server.name)", "switchboard.questions": "\(questions.count)"]) { _, mine in mine })
        // A client that never retries must not keep the server's call open for ever.
        loop.scheduleTask(in: ttl.timeAmount) {
            guard let held = self.heldCalls.take(handle, expires: .now()), held.call.expire() else { return }
            if let id = held.call.upstreamID { held.server.cancel(id: id, reason: "the client did not answer input_required in time") }
        }
    }

    /// A retry carrying a `requestState` this gateway sealed resumes its call.
    func resume(_ exchange: MCPExchange, at server: UpstreamServer) -> Resumption {
        let message = exchange.message
        let session = exchange.session
        guard let token = message.params?["requestState"]?.string else { return .notHeld }
        guard let opened = sealer.openWithTimes(token, purpose: RequestState.purpose(for: session)),
            let state = try? JSONView.parse(ByteBuffer(bytes: opened.payload))
        else {
            // Not ours. A 2026-07-28 server's own state is relayed as it is; a legacy server
            // never issued one, so it is forged, expired or sealed with a key we do not have.
            if server.speaksModernEra { return .notHeld }
            exchange.fail(.invalidParams("requestState is invalid or expired"))
            return .handled
        }
        let name = ModernRequest.nameKey(for: exchange.method).flatMap { message.params?[$0]?.string } ?? ""
        guard state["m"]?.string == exchange.method, state["n"]?.string == name, state["s"]?.string == server.name,
            state["a"]?.string == RequestState.argumentsDigest(message.params)
        else {
            exchange.fail(.invalidParams("requestState belongs to another request"))
            return .handled
        }
        guard let handle = state["h"]?.string, !heldCalls.wasUsed(handle) else {
            exchange.fail(.invalidParams("requestState was already used"))
            return .handled
        }
        let answers = message.params?["inputResponses"]
        let expires = NIODeadline.now() + .seconds(max(0, opened.expiresAt - Sealer.unixTime()) + 1)
        guard let held = heldCalls.take(handle, expires: expires) else {
            return rerun(exchange, state: state, answers: answers, server: server)
        }
        let call = held.call
        switch call.resume(exchange) {
        case .gone:
            exchange.fail(.invalidParams("requestState was already used"))
        case .finished(let outcome):
            return .finished(outcome, method: call.method)
        case .asked(let asked):
            session.register(call: call, id: message.id!)
            if let id = call.upstreamID { held.server.restartDeadline(id: id) }
            var unanswered: [ForwardedCall.Question] = []
            for q in asked {
                if let answer = answers?[q.key], answer.isObject {
                    held.server.respond(to: q.upstreamID, result: answer.bytes, error: nil)
                } else {
                    unanswered.append(q)
                }
            }
            // Missing answers earn a fresh input_required, not an error (§4.1).
            if !unanswered.isEmpty {
                call.requeue(unanswered)
                sendInputRequired(call, from: held.server)
            }
        }
        return .handled
    }

    /// The held call is not here: run it again without the retry fields, answering the
    /// questions the client already answered.
    private func rerun(_ exchange: MCPExchange, state: JSONView, answers: JSONView?, server: UpstreamServer) -> Resumption {
        var prefilled: [String: ByteBuffer] = [:]
        for pair in state["q"]?.elements ?? [] {
            let entry = pair.elements
            guard entry.count == 2, let key = entry[0].string, let digest = entry[1].string, let answer = answers?[key], answer.isObject else { continue }
            prefilled[digest] = answer.bytes
        }
        guard let params = exchange.message.params, let stripped = JSONSplice.removing(["requestState", "inputResponses"], from: params),
            let fresh = try? JSONView.parse(stripped, maxDepth: maxJSONDepth)
        else {
            exchange.fail(.invalidParams("requestState could not be resumed"))
            return .handled
        }
        logger.debug("held call not found; running it again", metadata: exchange.logMetadata.merging(["switchboard.server": "\(server.name)", "switchboard.answers": "\(prefilled.count)"]) { _, mine in mine })
        var edits: [(target: JSONView, json: String)] = []
        if exchange.method == MCPMethod.promptsGet || exchange.method == MCPMethod.toolsCall, let nameView = fresh["name"], let name = nameView.string,
            let route = exchange.notedRoute ?? (exchange.method == MCPMethod.toolsCall ? names.shownTools : names.shownPrompts).route(name)
        {
            edits = [(nameView, JSONWriter.quoted(route.upstream))]
            // A call through `call_tool` carries the tool's arguments one level down.
            if exchange.isWrapped, let outer = fresh["arguments"] {
                edits.append((outer, outer["arguments"].map { String(buffer: $0.bytes) } ?? "{}"))
            }
        }
        return .rerun(params: fresh, edits: edits, prefilled: prefilled)
    }

    /// A 2025-11-25 server's -32042 (URL elicitation required) to a 2026-07-28 client (§4.2):
    /// the URL elicitations become `input_required`; the error already ended the call, so the
    /// retry runs it again. False when the error carries no usable elicitation (relayed as is).
    func requireURLElicitation(_ error: JSONView, to target: MCPExchange, method: String, from server: UpstreamServer) -> Bool {
        var questions: [ForwardedCall.Question] = []
        for (i, elicitation) in (error["data"]?["elicitations"]?.elements ?? []).enumerated() {
            guard let url = elicitation["url"]?.string, let message = elicitation["message"]?.string else { continue }
            var w = JSONWriter()
            w.beginObject()
            w.field("mode", "url")
            w.field("message", message)
            w.field("url", url)
            w.endObject()
            let params = w.buffer
            questions.append(ForwardedCall.Question(
                key: "\(server.name)-url-\(i + 1)", upstreamID: JSONRPCID(0), method: MCPMethod.elicitationCreate, params: params,
                digest: RequestState.digest(method: MCPMethod.elicitationCreate, params: try? JSONView.parse(params))
            ))
        }
        guard !questions.isEmpty else { return false }
        guard target.session.declares(path: ["elicitation", "url"]) else {
            target.fail(.missingCapability("elicitation.url"))
            return true
        }
        // A handle that is never held: the retry finds no call and runs it again, once.
        let params = target.message.params
        let state = RequestState.seal(
            handle: SessionID.generate(), method: method, name: ModernRequest.nameKey(for: method).flatMap { params?[$0]?.string } ?? "",
            server: server.name, arguments: RequestState.argumentsDigest(params), questions: questions, ttl: server.config.timeouts.request,
            for: target.session, sealer: sealer
        )
        target.answer(JSONRPCEncoding.result(id: target.message.id!, result: RequestState.inputRequired(questions, state: state)), isError: false)
        return true
    }
}
