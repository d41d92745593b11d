import NIOCore
import SwitchboardCore
import SwitchboardGuards
import SwitchboardPolicy
import SwitchboardUpstream

/// Results with instructions to the model in them, held for a human (`guards.results.injection:
/// approve`): the call has run, and its result reaches the model only once the caller's user
/// releases it. A legacy session that declared elicitation is asked on the call's own stream
/// (form mode); a 2026-07-28 client that declared it gets `input_required` and a `requestState`
/// naming the held result, which its retry takes. Released, the result goes out marked as
/// `warn` marks it; declined, unanswered, or with a client that cannot be asked, it is
/// withheld (-31016) as `block` withholds it. The question is the gateway's own words: the
/// tool, the server, the rules and where they matched, never the result's text.
extension CallRouter {
    /// How long a held result waits for its release, and how many wait at most.
    static let releaseTimeout = TimeAmount.minutes(10)
    static let maxHeldResults = 1_024

    func holdForRelease(
        _ target: MCPExchange, release: ByteBuffer, findings: [ResultScanner.Finding], block: GuardBlock, method: String, from server: UpstreamServer
    ) {
        let session = target.session
        let question = Self.releaseQuestion(block, findings: findings)
        guard session.declares("elicitation") else {
            target.fail(.guardBlocked(block))
            return
        }
        if session.isModern {
            guard heldResults.count < Self.maxHeldResults else {
                target.fail(.guardBlocked(block))
                return
            }
            let handle = SessionID.generate()
            heldResults.hold(HeldResult(release: release, method: method, server: server.name, block: block, findings: findings), handle: handle)
            // Unreleased in time: dropped (the state stops opening then too).
            target.loop.scheduleTask(in: Self.releaseTimeout) { _ = self.heldResults.take(handle, expires: .now()) }
            var state = JSONWriter()
            state.beginObject()
            state.field("h", handle)
            state.field("n", target.message.params?["name"]?.string ?? "")
            state.field("a", RequestState.argumentsDigest(target.message.params))
            state.endObject()
            let token = sessions.sealer.seal(
                Array(state.buffer.readableBytesView), purpose: Self.releasePurpose(session), ttl: .seconds(Self.releaseTimeout.nanoseconds / 1_000_000_000)
            )
            let result = RequestState.inputRequired([(key: "release", method: MCPMethod.elicitationCreate, params: question)], state: token)
            target.answer(JSONRPCEncoding.result(id: target.message.id!, result: result), isError: false)
            return
        }
        let gathering = InputGathering(keys: ["release"]) { [self] outcome in
            target.loop.execute {
                if case .success(let answers) = outcome, Self.released(answers["release"].flatMap { try? JSONView.parse($0) }) {
                    target.noteAuditDetail("result released by client:\(target.caller.principal.id)")
                    // Only now has the conversation seen it (`guards.flow`).
                    self.content?.flow?.saw(findings, target)
                    self.answerResult(release, to: target, method: method, from: server)
                } else {
                    target.noteAuditDetail("result not released")
                    target.fail(.guardBlocked(block))
                }
            }
        }
        target.loop.scheduleTask(in: Self.releaseTimeout) { gathering.expire(.clientTimeout("the question whether to release a result")) }
        let id = session.forward(.init(origin: .input(gathering, key: "release"), method: MCPMethod.elicitationCreate))
        let request = JSONRPCEncoding.request(id: JSONRPCID(id), method: MCPMethod.elicitationCreate, params: question)
        guard target.sendInterim(request, kind: .request, method: MCPMethod.elicitationCreate) else {
            _ = session.takeForwarded(JSONRPCID(id))
            target.fail(.guardBlocked(block))
            return
        }
    }

    /// A 2026-07-28 retry whose `requestState` (`token`) is a release state of this gateway's:
    /// answered here (the held result, or the refusal); false when it is another state.
    func releaseRetry(_ exchange: MCPExchange, state token: String) -> Bool {
        let params = exchange.message.params
        guard let opened = sessions.sealer.openWithTimes(token, purpose: Self.releasePurpose(exchange.session)),
            let state = try? JSONView.parse(ByteBuffer(bytes: opened.payload)), let handle = state["h"]?.string
        else { return false }
        guard state["n"]?.string == params?["name"]?.string ?? "", state["a"]?.string == RequestState.argumentsDigest(params) else {
            exchange.fail(.invalidParams("requestState belongs to another request"))
            return true
        }
        let expires = NIODeadline.now() + .seconds(max(0, opened.expiresAt - Sealer.unixTime()) + 1)
        guard let held = heldResults.take(handle, expires: expires) else {
            exchange.fail(.invalidParams("requestState names a held result that is gone (used, expired, or held on another replica); call again"))
            return true
        }
        guard Self.released(params?["inputResponses"]?["release"]), let server = servers.named(held.server) else {
            exchange.noteAuditDetail("result not released")
            exchange.fail(.guardBlocked(held.block))
            return true
        }
        exchange.noteServer(held.server)
        exchange.noteAuditDetail("result released by client:\(exchange.caller.principal.id)")
        content?.flow?.saw(held.findings, exchange)
        answerResult(held.release, to: exchange, method: held.method, from: server)
        return true
    }

    /// Bound to the caller and endpoint, like the gateway's other states.
    static func releasePurpose(_ session: DownstreamSession) -> String {
        "result-release\u{0}" + session.principal.id + "\u{0}" + (session.virtualServer ?? "")
    }

    static func released(_ answer: JSONView?) -> Bool {
        answer?["action"]?.string == "accept" && answer?["content"]?["release"]?.bool == true
    }

    /// `elicitation/create` params: what was found and where, from the gateway's findings.
    static func releaseQuestion(_ block: GuardBlock, findings: [ResultScanner.Finding]) -> ByteBuffer {
        let places = findings.filter { $0.kind == "injection" }.prefix(4).map { "\($0.rule) at \($0.path)" }.joined(separator: ", ")
        return yesNoForm(
            "Switchboard: the result of \(block.tool ?? "a call") (server \(block.server)) holds instructions to the model (\(places)). "
                + "Release it to the model, marked as such? Declining withholds it.",
            key: "release", title: "Release this result to the model"
        )
    }
}
