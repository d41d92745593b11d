import Logging
import Crypto
import NIOCore
import SwitchboardCore

/// A 2026-07-28 client calling a legacy server that asks for input mid-call (spec digest
/// §4.2): the server's sampling, elicitation and roots requests become an `input_required`
/// result; the upstream call stays open, bounded by its timeout, until the client retries with
/// `inputResponses` and the sealed `requestState`, which resumes the very same call.
///
/// A retry that reaches a gateway without the held call (another replica, or after a restart)
/// runs the call again and answers the server's questions from the retry's answers, matched
/// by a digest of each question: the same question gets the same answer, a new one is asked.
extension Gateway {
    static let requestStatePurpose = "mrtr"
    /// Questions a server sends within this window of each other go out in one result.
    static let questionWindow = TimeAmount.milliseconds(10)

    /// A server-to-client request made during a 2026-07-28 client's call.
    func askForInput(_ message: JSONRPCMessage, call: CallContext, from server: UpstreamServer, capability: String) {
        let method = message.method!
        let params = Self.relayable(method: method, params: message.params)
        let digest = Self.digest(method: method, params: message.params)
        if let answer = call.prefilled[digest] {
            server.respond(to: message.id!, result: answer, error: nil)
            return
        }
        let key = server.name + "-" + message.id!.json.filter { $0 != "\"" }
        let question = HeldCalls.Question(key: key, upstreamID: message.id!, method: method, params: params ?? ByteBuffer(string: "{}"), digest: digest)
        guard let target = call.target else {
            // The client is away answering earlier questions: this one waits for the next round.
            if !heldCalls.addQuestion(question, for: call) {
                server.respondError(to: message.id!, code: JSONRPCErrorCode.internalError, message: "The call is no longer waiting for input")
            }
            return
        }
        guard target.session.declares(capability) else {
            // The client learns what it lacks (-32021, §1.4) and the server's call stops.
            server.respondError(to: message.id!, code: JSONRPCErrorCode.methodNotFound, message: "The client did not declare \(capability) on this request")
            fail(call, .missingCapability(capability))
            if let id = call.upstreamID { server.cancel(id: id, reason: "the client lacks \(capability)") }
            return
        }
        if heldCalls.gather(question, for: call) {
            eventLoop.scheduleTask(in: Self.questionWindow) { self.sendInputRequired(call, from: server) }
        }
    }

    /// Answers the client's request with the gathered questions and holds the call.
    func sendInputRequired(_ call: CallContext, from server: UpstreamServer) {
        let questions = heldCalls.takeGathered(for: call)
        guard !questions.isEmpty, let target = call.detach() else { return }
        target.session.finish(call: call)
        let handle = SessionID.generate()
        let ttl = server.config.timeouts.request
        heldCalls.hold(
            HeldCalls.Held(call: call, server: server, method: call.method, name: call.name ?? "", questions: questions, outcome: nil),
            handle: handle
        )
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
        w.field("requestState", sealRequestState(handle: handle, call: call, questions: questions, ttl: ttl))
        w.endObject()
        target.session.sendFinal(JSONRPCEncoding.result(id: target.downstreamID, result: w.buffer), via: target.responder, method: call.method, isError: false)
        logger.debug("call held for input", metadata: ["switchboard.server": "\(server.name)", "switchboard.questions": "\(questions.count)"])
        // A client that never retries must not keep the server's call open for ever.
        eventLoop.scheduleTask(in: ttl.timeAmount) {
            guard let held = self.heldCalls.take(handle) else { return }
            held.call.cancel(reason: "the client did not answer input_required in time")
        }
    }

    /// A retry carrying a `requestState` this gateway sealed resumes its call; false when the
    /// state is not ours (it may be a 2026-07-28 server's own, relayed as it is).
    func resumeHeldCall(_ message: JSONRPCMessage, to server: UpstreamServer, session: DownstreamSession, responder: any DownstreamResponder, on loop: any EventLoop) -> Bool {
        guard let method = message.method, let token = message.params?["requestState"]?.string else { return false }
        guard let payload = sealer.open(token, purpose: Self.requestStatePurpose), let state = try? JSONView.parse(ByteBuffer(bytes: payload)) else {
            // Not ours. A 2026-07-28 server's own state is relayed as it is; a legacy server
            // never issued one, so it is forged, expired or sealed with a key we do not have.
            if server.speaksModernEra { return false }
            fail(message, .invalidParams("requestState is invalid or expired"), session: session, responder: responder)
            return true
        }
        let name = ModernRequest.nameKey(for: method).flatMap { message.params?[$0]?.string } ?? ""
        guard state["m"]?.string == method, state["n"]?.string == name, state["s"]?.string == server.name else {
            fail(message, .invalidParams("requestState belongs to another request"), session: session, responder: responder)
            return true
        }
        let answers = message.params?["inputResponses"]
        guard let handle = state["h"]?.string, let held = heldCalls.take(handle) else {
            rerun(message, state: state, answers: answers, to: server, session: session, responder: responder, on: loop)
            return true
        }
        let call = held.call
        call.attach(CallContext.Target(session: session, downstreamID: message.id!, progressToken: message.progressToken?.rawText, responder: responder))
        session.register(call: call, id: message.id!)
        if let outcome = held.outcome {
            complete(call, outcome, from: held.server)
            return true
        }
        var unanswered: [HeldCalls.Question] = []
        for q in held.questions {
            if let answer = answers?[q.key], answer.isObject {
                held.server.respond(to: q.upstreamID, result: answer.bytes, error: nil)
            } else {
                unanswered.append(q)
            }
        }
        // Missing answers earn a fresh input_required, not an error (§4.1).
        if !unanswered.isEmpty {
            for q in unanswered { _ = heldCalls.gather(q, for: call) }
            sendInputRequired(call, from: held.server)
        }
        return true
    }

    /// The held call is not here: run it again without the retry fields, answering the
    /// questions the client already answered.
    private func rerun(_ message: JSONRPCMessage, state: JSONView, answers: JSONView?, to server: UpstreamServer, session: DownstreamSession, responder: any DownstreamResponder, on loop: any EventLoop) {
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
        forward(fresh, to: server, edits: edits, session: session, responder: responder, on: loop, prefilled: prefilled)
    }

    /// `{"h":handle,"m":method,"n":name,"s":server,"q":[[key,digest],…]}`, sealed for the
    /// call's hold time; bound to the request it answers.
    private func sealRequestState(handle: String, call: CallContext, questions: [HeldCalls.Question], ttl: Duration) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("h", handle)
        w.field("m", call.method)
        w.field("n", call.name ?? "")
        w.field("s", call.server?.name ?? "")
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
        return sealer.seal(Array(w.buffer.readableBytesView), purpose: Self.requestStatePurpose, ttl: ttl)
    }

    /// SHA-256 of the method and the server's params bytes, hex, truncated to 128 bits.
    static func digest(method: String, params: JSONView?) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(method.utf8))
        hasher.update(data: [0])
        if let params { hasher.update(data: Array(params.bytes.readableBytesView)) }
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in hasher.finalize().prefix(16) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A server's request params as the gateway relays them to any client: an aggregating
    /// gateway must not let one server pull in another server's context (§4.4).
    static func relayable(method: String, params: JSONView?) -> ByteBuffer? {
        guard let p = params else { return nil }
        if method == MCPMethod.samplingCreateMessage, let include = p["includeContext"], include.string != "none" {
            return JSONSplice.replacing(in: p, [(include, #""none""#)])
        }
        return p.bytes
    }
}
