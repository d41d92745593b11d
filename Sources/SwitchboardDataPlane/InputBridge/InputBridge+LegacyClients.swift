import NIOCore
import SwitchboardCore
import SwitchboardUpstream

/// A legacy client calling a 2026-07-28 server that answers `input_required` (spec digest
/// §4.3): each input request goes to the client as a real server-to-client request on the
/// call's own stream; once every answer is in (`InputGathering`), the call is retried upstream
/// with `inputResponses` and the server's `requestState` echoed byte for byte.
extension InputBridge {
    /// At most this many `input_required` rounds per call: a server that keeps asking is
    /// broken, and the client deserves an error rather than an endless exchange.
    static let maxInputRounds = 16

    /// `retry` sends the call again with these params members (`inputResponses`,
    /// `requestState`, as raw JSON).
    func gather(
        _ result: JSONView, for call: ForwardedCall, from server: UpstreamServer, round: Int,
        retry: @escaping @Sendable ([(String, String)]) -> Void
    ) {
        guard round < Self.maxInputRounds else {
            call.fail(.upstream(.protocolError(server: server.name, reason: "more than \(Self.maxInputRounds) input_required rounds")))
            return
        }
        guard let target = call.target else { return }
        let requestState = result["requestState"]
        let requests = result["inputRequests"]?.members ?? []
        @Sendable func retryWith(_ answers: [String: ByteBuffer]) {
            // Cancelled meanwhile: the client expects nothing more.
            guard call.server != nil else { return }
            var w = JSONWriter()
            w.beginObject()
            for (key, answer) in answers.sorted(by: { $0.key < $1.key }) { w.field(key, raw: answer) }
            w.endObject()
            var members = [("inputResponses", String(buffer: w.buffer))]
            if let requestState { members.append(("requestState", requestState.rawText)) }
            retry(members)
        }
        guard !requests.isEmpty else {
            guard requestState != nil else {
                call.fail(.upstream(.protocolError(server: server.name, reason: "input_required with neither inputRequests nor requestState")))
                return
            }
            // Load shedding: the server wants the same request again, a little later.
            target.loop.scheduleTask(in: .milliseconds(Int64(50 * (round + 1)))) { retryWith([:]) }
            return
        }
        let session = target.session
        let gathering = InputGathering(keys: Set(requests.map(\.key))) { outcome in
            switch outcome {
            case .success(let answers): retryWith(answers)
            case .failure(let error): call.fail(error)
            }
        }
        // A client that never answers must not hold the call (and its session's slot) for ever.
        let deadline = server.config.timeouts.request
        target.loop.scheduleTask(in: deadline.timeAmount) {
            gathering.expire(.clientTimeout("\(server.name)'s input requests within \(deadline)"))
        }
        for (key, request) in requests {
            guard let method = request["method"]?.string, let capability = RequestState.capability(for: method) else {
                call.fail(.upstream(.protocolError(server: server.name, reason: "unknown input request \(request["method"]?.rawText ?? "")")))
                return
            }
            guard session.declares(capability) else {
                call.fail(.upstream(.protocolError(server: server.name, reason: "asked for \(method), which the client did not declare")))
                return
            }
            let params = RequestState.relayable(method: method, params: request["params"])
            let id = session.forward(.init(origin: .input(gathering, key: key), method: method))
            let outgoing = JSONRPCEncoding.request(id: JSONRPCID(id), method: method, params: params)
            guard target.sendInterim(outgoing, kind: .request, method: method) else {
                _ = session.takeForwarded(JSONRPCID(id))
                call.fail(.upstream(.protocolError(server: server.name, reason: "the client has no open stream for \(method)")))
                return
            }
        }
    }
}
