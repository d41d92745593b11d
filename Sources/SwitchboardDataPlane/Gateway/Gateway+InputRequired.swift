import Crypto
import Logging
import NIOCore
import SwitchboardCore
package import SwitchboardUpstream
import SwitchboardPolicy

/// A 2026-07-28 client calling a legacy server that asks for input mid-call (spec digest
/// §4.2): the server's sampling, elicitation and roots requests become an `input_required`
/// result; the upstream call stays open, bounded by its timeout, until the client retries with
/// `inputResponses` and the sealed `requestState`, which resumes the very same call.
///
/// A retry that reaches a gateway without the held call (another replica, or after a restart)
/// runs the call again and answers the server's questions from the retry's answers, matched
/// by a digest of each question: the same question gets the same answer, a new one is asked.
/// The state is bound to the method, the name and a digest of the arguments, and a handle
/// resumes once.
extension Gateway {
    static let requestStatePurpose = "mrtr"

    /// The seal purpose of a requestState: bound to the caller and endpoint it was issued to
    /// (authenticated, not carried), so another caller's retry cannot take over the call.
    static func requestStatePurpose(for session: DownstreamSession) -> String {
        requestStatePurpose + "\u{0}" + session.principal.id + "\u{0}" + (session.virtualServer ?? "")
    }
    /// Questions a server sends within this window of each other go out in one result.
    static let questionWindow = TimeAmount.milliseconds(10)
    /// Only these requests may answer `input_required` (§4.1).
    static let inputRequiredMethods: Set<String> = [MCPMethod.toolsCall, MCPMethod.promptsGet, MCPMethod.resourcesRead]

    /// A server-to-client request made during a 2026-07-28 client's call.
    func askForInput(_ message: JSONRPCMessage, call: CallContext, from server: UpstreamServer) {
        let method = message.method!
        guard Self.inputRequiredMethods.contains(call.method) else {
            server.respondError(to: message.id!, code: JSONRPCErrorCode.methodNotFound, message: "\(method) cannot be relayed during \(call.method)")
            return
        }
        let params = Self.relayable(method: method, params: message.params)
        let digest = Self.digest(method: method, params: message.params)
        if let answer = call.prefilled[digest] {
            server.respond(to: message.id!, result: answer, error: nil)
            return
        }
        let key = server.name + "-" + message.id!.json.filter { $0 != "\"" }
        let question = CallContext.Question(key: key, upstreamID: message.id!, method: method, params: params ?? ByteBuffer(string: "{}"), digest: digest)
        switch call.ask(question) {
        case .flushSoon:
            eventLoop.scheduleTask(in: Self.questionWindow) { self.sendInputRequired(call, from: server) }
        case .wait:
            break
        case .refused:
            server.respondError(to: message.id!, code: JSONRPCErrorCode.internalError, message: "The call is no longer waiting for input")
        }
    }

    /// Answers the client's request with the gathered questions and holds the call.
    func sendInputRequired(_ call: CallContext, from server: UpstreamServer) {
        guard let (target, questions) = call.goAway() else { return }
        target.session.finish(call: call, id: target.downstreamID)
        // Capabilities are per request: each question is checked against this request's.
        if let missing = questions.lazy.compactMap({ Self.requiredCapability(for: $0) }).first(where: { !target.session.declares(path: $0) }) {
            // The client learns what it lacks (-32021, §1.4) and the server's call stops.
            let name = missing.joined(separator: ".")
            for q in questions { server.respondError(to: q.upstreamID, code: JSONRPCErrorCode.methodNotFound, message: "The client did not declare \(name) on this request") }
            _ = call.expire()
            if let id = call.upstreamID { server.cancel(id: id, reason: "the client lacks \(name)") }
            answer(target, method: call.method, with: .missingCapability(name))
            return
        }
        guard heldCalls.count < config.sessions.maxSessions else {
            _ = call.expire()
            if let id = call.upstreamID { server.cancel(id: id, reason: "too many calls waiting for input") }
            answer(target, method: call.method, with: .overloaded("too many calls waiting for input"))
            return
        }
        let handle = SessionID.generate()
        let ttl = server.config.timeouts.request
        heldCalls.hold(HeldCalls.Held(call: call, server: server), handle: handle)
        // The server waits on the client now; its timeout runs from here, as the state's does.
        if let id = call.upstreamID { server.restartDeadline(id: id) }
        let state = sealRequestState(
            handle: handle, method: call.method, name: call.name ?? "", server: server.name,
            arguments: Self.argumentsDigest(target.params), questions: questions, ttl: ttl, for: target.session
        )
        target.session.sendFinal(
            JSONRPCEncoding.result(id: target.downstreamID, result: Self.inputRequired(questions, state: state)), via: target.responder, method: call.method, isError: false
        )
        logger.debug("call held for input", metadata: ["switchboard.server": "\(server.name)", "switchboard.questions": "\(questions.count)"])
        // A client that never retries must not keep the server's call open for ever.
        eventLoop.scheduleTask(in: ttl.timeAmount) {
            guard let held = self.heldCalls.take(handle, expires: .now()), held.call.expire() else { return }
            if let id = held.call.upstreamID { held.server.cancel(id: id, reason: "the client did not answer input_required in time") }
        }
    }

    /// A retry carrying a `requestState` this gateway sealed resumes its call; false when the
    /// state is not ours (it may be a 2026-07-28 server's own, relayed as it is).
    func resumeHeldCall(
        _ message: JSONRPCMessage, to server: UpstreamServer, session: DownstreamSession, caller: RequestCaller, responder: any DownstreamResponder, on loop: any EventLoop
    ) -> Bool {
        guard let method = message.method, let token = message.params?["requestState"]?.string else { return false }
        guard let opened = sealer.openWithTimes(token, purpose: Self.requestStatePurpose(for: session)), let state = try? JSONView.parse(ByteBuffer(bytes: opened.payload)) else {
            // Not ours. A 2026-07-28 server's own state is relayed as it is; a legacy server
            // never issued one, so it is forged, expired or sealed with a key we do not have.
            if server.speaksModernEra { return false }
            fail(message, .invalidParams("requestState is invalid or expired"), session: session, responder: responder)
            return true
        }
        let name = ModernRequest.nameKey(for: method).flatMap { message.params?[$0]?.string } ?? ""
        guard state["m"]?.string == method, state["n"]?.string == name, state["s"]?.string == server.name,
            state["a"]?.string == Self.argumentsDigest(message.params)
        else {
            fail(message, .invalidParams("requestState belongs to another request"), session: session, responder: responder)
            return true
        }
        guard let handle = state["h"]?.string, !heldCalls.wasUsed(handle) else {
            fail(message, .invalidParams("requestState was already used"), session: session, responder: responder)
            return true
        }
        let answers = message.params?["inputResponses"]
        let expires = NIODeadline.now() + .seconds(max(0, opened.expiresAt - Sealer.unixTime()) + 1)
        guard let held = heldCalls.take(handle, expires: expires) else {
            rerun(message, state: state, answers: answers, to: server, session: session, caller: caller, responder: responder, on: loop)
            return true
        }
        let call = held.call
        let target = CallContext.Target(session: session, downstreamID: message.id!, progressToken: message.progressToken?.rawText, responder: responder, params: message.params)
        switch call.resume(target) {
        case .gone:
            fail(message, .invalidParams("requestState was already used"), session: session, responder: responder)
        case .finished(let outcome):
            complete(outcome, to: target, method: call.method, from: held.server)
        case .asked(let asked):
            session.register(call: call, id: message.id!)
            if let id = call.upstreamID { held.server.restartDeadline(id: id) }
            var unanswered: [CallContext.Question] = []
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
        return true
    }

    /// A 2025-11-25 server's -32042 (URL elicitation required) to a 2026-07-28 client (§4.2):
    /// the URL elicitations become `input_required`; the error already ended the call, so the
    /// retry runs it again. False when the error carries no usable elicitation (relayed as is).
    func requireURLElicitation(_ error: JSONView, to target: CallContext.Target, method: String, from server: UpstreamServer) -> Bool {
        var questions: [CallContext.Question] = []
        for (i, elicitation) in (error["data"]?["elicitations"]?.elements ?? []).enumerated() {
            guard let url = elicitation["url"]?.string, let message = elicitation["message"]?.string else { continue }
            var w = JSONWriter()
            w.beginObject()
            w.field("mode", "url")
            w.field("message", message)
            w.field("url", url)
            w.endObject()
            let params = w.buffer
            questions.append(CallContext.Question(
                key: "\(server.name)-url-\(i + 1)", upstreamID: JSONRPCID(0), method: MCPMethod.elicitationCreate, params: params,
                digest: Self.digest(method: MCPMethod.elicitationCreate, params: try? JSONView.parse(params))
            ))
        }
        guard !questions.isEmpty else { return false }
        guard target.session.declares(path: ["elicitation", "url"]) else {
            answer(target, method: method, with: .missingCapability("elicitation.url"))
            return true
        }
        // A handle that is never held: the retry finds no call and runs it again, once.
        let state = sealRequestState(
            handle: SessionID.generate(), method: method, name: ModernRequest.nameKey(for: method).flatMap { target.params?[$0]?.string } ?? "",
            server: server.name, arguments: Self.argumentsDigest(target.params), questions: questions, ttl: server.config.timeouts.request,
            for: target.session
        )
        target.session.sendFinal(
            JSONRPCEncoding.result(id: target.downstreamID, result: Self.inputRequired(questions, state: state)), via: target.responder, method: method, isError: false
        )
        return true
    }

    /// The held call is not here: run it again without the retry fields, answering the
    /// questions the client already answered.
    private func rerun(
        _ message: JSONRPCMessage, state: JSONView, answers: JSONView?, to server: UpstreamServer, session: DownstreamSession, caller: RequestCaller,
        responder: any DownstreamResponder, on loop: any EventLoop
    ) {
        var prefilled: [String: ByteBuffer] = [:]
        for pair in state["q"]?.elements ?? [] {
            let entry = pair.elements
            guard entry.count == 2, let key = entry[0].string, let digest = entry[1].string, let answer = answers?[key], answer.isObject else { continue }
            prefilled[digest] = answer.bytes
        }
        guard let params = message.params, let stripped = JSONSplice.removing(["requestState", "inputResponses"], from: params),
            let fresh = try? JSONRPCMessage.parse(JSONRPCEncoding.request(id: message.id!, method: message.method!, params: stripped), maxDepth: config.limits.maxJSONDepth)
        else {
            fail(message, .invalidParams("requestState could not be resumed"), session: session, responder: responder)
            return
        }
        logger.debug("held call not found; running it again", metadata: ["switchboard.server": "\(server.name)", "switchboard.answers": "\(prefilled.count)"])
        let edits: [(target: JSONView, json: String)]
        if message.method == MCPMethod.promptsGet || message.method == MCPMethod.toolsCall, let nameView = fresh.params?["name"],
            let name = nameView.string, let (_, local) = FederatedName.split(name)
        {
            edits = [(nameView, JSONWriter.quoted(local))]
        } else {
            edits = []
        }
        forward(fresh, to: server, edits: edits, session: session, caller: caller, responder: responder, on: loop, prefilled: prefilled)
    }

    /// `{"h":handle,"m":method,"n":name,"s":server,"a":arguments digest,"q":[[key,digest],…]}`,
    /// sealed for the call's hold time; bound to the request it answers.
    private func sealRequestState(
        handle: String, method: String, name: String, server: String, arguments: String, questions: [CallContext.Question], ttl: Duration,
        for session: DownstreamSession
    ) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("h", handle)
        w.field("m", method)
        w.field("n", name)
        w.field("s", server)
        w.field("a", arguments)
        w.key("q")
        w.beginArray()
        for q in questions {
            w.beginArray()
            w.string(q.key)
            w.string(q.digest)
            w.endArray()
        }
        w.endArray()
        w.endObject()
        return sealer.seal(Array(w.buffer.readableBytesView), purpose: Self.requestStatePurpose(for: session), ttl: ttl)
    }

    /// `{"resultType":"input_required","inputRequests":{key:{method,params},…},"requestState":…}`.
    static func inputRequired(_ questions: [CallContext.Question], state: String) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("resultType", "input_required")
        w.key("inputRequests")
        w.beginObject()
        for q in questions {
            w.key(q.key)
            w.beginObject()
            w.field("method", q.method)
            w.field("params", raw: q.params)
            w.endObject()
        }
        w.endObject()
        w.field("requestState", state)
        w.endObject()
        return w.buffer
    }

    /// The capability a question needs, as a path: URL-mode elicitation needs
    /// `elicitation.url` (form mode must never stand in for it, §4.4).
    static func requiredCapability(for question: CallContext.Question) -> [String]? {
        guard let capability = capability(for: question.method) else { return nil }
        if question.method == MCPMethod.elicitationCreate, (try? JSONView.parse(question.params))?["mode"]?.string == "url" {
            return [capability, "url"]
        }
        return [capability]
    }

    /// SHA-256 of the method and the server's params bytes, hex, truncated to 128 bits.
    static func digest(method: String, params: JSONView?) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(method.utf8))
        hasher.update(data: [0])
        if let params { hasher.update(data: Array(params.bytes.readableBytesView)) }
        return hex(hasher.finalize().prefix(16))
    }

    /// Digest of a request's `arguments` (tools/call, prompts/get) or `uri`: a retry must
    /// repeat the same ones, or it is not the request the state was given for.
    static func argumentsDigest(_ params: JSONView?) -> String {
        var hasher = SHA256()
        if let arguments = params?["arguments"] ?? params?["uri"] { hasher.update(data: Array(arguments.bytes.readableBytesView)) }
        return hex(hasher.finalize().prefix(16))
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A server's request params as the gateway relays them to any client: an aggregating
    /// gateway must not let one server pull in another server's context (§4.4).
    static func relayable(method: String, params: JSONView?) -> ByteBuffer? {
        guard var p = params else { return nil }
        // 2025-11-25 task augmentation has no meaning to the client the gateway relays to.
        if let stripped = JSONSplice.removing(["task"], from: p), let view = try? JSONView.parse(stripped) { p = view }
        if method == MCPMethod.samplingCreateMessage, let include = p["includeContext"], include.string != "none" {
            return JSONSplice.replacing(in: p, [(include, #""none""#)])
        }
        return p.bytes
    }
}
