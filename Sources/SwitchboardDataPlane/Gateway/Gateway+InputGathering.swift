import NIOCore
import SwitchboardCore
package import SwitchboardUpstream
import Synchronization

/// The answers a legacy client owes for one `input_required` round of a 2026-07-28 server
/// (spec digest §4.3): each input request went to the client as a real server-to-client
/// request; once every answer is in, the call is retried upstream with them.
package final class InputGathering: Sendable {
    private struct State {
        var answers: [String: ByteBuffer] = [:]
        var remaining: Set<String>
        var done = false
    }

    private let state: Mutex<State>
    private let onComplete: @Sendable (Result<[String: ByteBuffer], GatewayError>) -> Void

    init(keys: Set<String>, onComplete: @escaping @Sendable (Result<[String: ByteBuffer], GatewayError>) -> Void) {
        self.state = Mutex(State(remaining: keys))
        self.onComplete = onComplete
    }

    /// The round's deadline passed: the call ends unless every answer is in.
    func expire(_ error: GatewayError) {
        let expired = state.withLock { s -> Bool in
            guard !s.done else { return false }
            s.done = true
            return true
        }
        if expired { onComplete(.failure(error)) }
    }

    /// The client's answer to the request sent for `key`: a result, or an error that ends
    /// the call (MRTR has no way to hand a server an error in place of an answer).
    func answer(_ key: String, result: ByteBuffer?, error: JSONView?) {
        let outcome = state.withLock { s -> Result<[String: ByteBuffer], GatewayError>? in
            guard !s.done, s.remaining.remove(key) != nil else { return nil }
            if let error {
                s.done = true
                let text = error["message"]?.string ?? "error"
                return .failure(.invalidParams("the client could not answer the server's request: \(text)"))
            }
            s.answers[key] = result ?? ByteBuffer(string: "{}")
            guard s.remaining.isEmpty else { return nil }
            s.done = true
            return .success(s.answers)
        }
        if let outcome { onComplete(outcome) }
    }
}

extension Gateway {
    /// At most this many `input_required` rounds per call: a server that keeps asking is
    /// broken, and the client deserves an error rather than an endless exchange.
    static let maxInputRounds = 16

    /// A 2026-07-28 server answered a legacy client's call with `input_required`.
    func gatherInput(_ result: JSONView, for call: CallContext, from server: UpstreamServer, params: JSONView?, edits: [(target: JSONView, json: String)], round: Int, on loop: any EventLoop) {
        guard round < Self.maxInputRounds else {
            fail(call, .upstream(.protocolError(server: server.name, reason: "more than \(Self.maxInputRounds) input_required rounds")))
            return
        }
        guard let target = call.target else { return }
        let requestState = result["requestState"]
        let requests = result["inputRequests"]?.members ?? []
        @Sendable func retry(_ answers: [String: ByteBuffer]) {
            // Cancelled meanwhile: the client expects nothing more.
            guard call.server != nil else { return }
            var members: [(String, String)] = []
            var w = JSONWriter()
            w.beginObject()
            for (key, answer) in answers.sorted(by: { $0.key < $1.key }) { w.field(key, raw: answer) }
            w.endObject()
            members.append(("inputResponses", String(buffer: w.buffer)))
            if let requestState { members.append(("requestState", requestState.rawText)) }
            self.send(call, params: params, edits: edits, members: members, to: server, on: loop, round: round + 1)
        }
        guard !requests.isEmpty else {
            guard requestState != nil else {
                fail(call, .upstream(.protocolError(server: server.name, reason: "input_required with neither inputRequests nor requestState")))
                return
            }
            // Load shedding: the server wants the same request again, a little later.
            loop.scheduleTask(in: .milliseconds(Int64(50 * (round + 1)))) { retry([:]) }
            return
        }
        let session = target.session
        let gathering = InputGathering(keys: Set(requests.map(\.key))) { outcome in
            switch outcome {
            case .success(let answers): retry(answers)
            case .failure(let error): self.fail(call, error)
            }
        }
        // A client that never answers must not hold the call (and its session's slot) for ever.
        let deadline = server.config.timeouts.request
        loop.scheduleTask(in: deadline.timeAmount) {
            gathering.expire(.clientTimeout("\(server.name)'s input requests within \(deadline)"))
        }
        for (key, request) in requests {
            guard let method = request["method"]?.string, let capability = Self.capability(for: method) else {
                fail(call, .upstream(.protocolError(server: server.name, reason: "unknown input request \(request["method"]?.rawText ?? "")")))
                return
            }
            guard session.declares(capability) else {
                fail(call, .upstream(.protocolError(server: server.name, reason: "asked for \(method), which the client did not declare")))
                return
            }
            let params = Self.relayable(method: method, params: request["params"])
            let id = session.forward(.init(origin: .input(gathering, key: key), method: method))
            let outgoing = JSONRPCEncoding.request(id: JSONRPCID(id), method: method, params: params)
            guard session.sendInterim(outgoing, via: target.responder, kind: .request, method: method) else {
                _ = session.takeForwarded(JSONRPCID(id))
                fail(call, .upstream(.protocolError(server: server.name, reason: "the client has no open stream for \(method)")))
                return
            }
        }
    }

    /// The client capability a server-to-client method needs.
    static func capability(for method: String) -> String? {
        switch method {
        case MCPMethod.samplingCreateMessage: "sampling"
        case MCPMethod.elicitationCreate: "elicitation"
        case MCPMethod.rootsList: "roots"
        default: nil
        }
    }
}
