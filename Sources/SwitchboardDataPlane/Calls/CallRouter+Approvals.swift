import Foundation
import Logging
import NIOCore
import SwitchboardCore
import SwitchboardGuards
import SwitchboardPolicy
import SwitchboardUpstream

/// Calls a policy holds for a human (`require_approval`). An approval already given for this
/// caller, tool and arguments is spent and the call goes on. Otherwise a request is filed in
/// the queue and the human is asked through the protocol where the client can be asked: a
/// form elicitation to a session that declared elicitation, on the call's own stream. A client
/// that cannot be asked gets -31012 with the approval id; someone approves it out of band
/// (`switchboard approvals approve`), and the same call made again goes through.
///
/// A 2026-07-28 client that declared elicitation is asked with `input_required` (spec digest
/// §4.1): the question goes in `inputRequests.approval`, and a `requestState` sealed for the
/// caller names the approval; the client's retry carries its answer in `inputResponses`, and
/// the call, approved, goes to its server without the two members.
///
/// The question is built from what the gateway knows and trusts (the tool's federated name,
/// the server, the caller, the policy rule, the argument names), never from upstream text.
extension CallRouter {
    /// How long a client has to answer the approval question before the call is refused.
    static let approvalQuestionTimeout = TimeAmount.minutes(10)

    func seekApproval(
        _ exchange: MCPExchange, rule: String?, policyVersion: String, server: String, tool: String, then proceed: @escaping @Sendable () -> Void
    ) {
        guard let approvals else { return }
        let principal = exchange.caller.principal.id
        let digest = RequestState.argumentsDigest(exchange.message.params)
        let session = exchange.session.isModern ? nil : exchange.session.id
        if exchange.session.isModern, let answered = approvalRetry(exchange, approvals, tool: tool, digest: digest, policyVersion: policyVersion) {
            switch answered {
            case .proceed:
                exchange.noteApprovalRetry()
                proceed()
            case .handled:
                break
            }
            return
        }
        let pending: ApprovalRecord
        switch approvals.check(principal: principal, tool: tool, argumentsDigest: digest, session: session) {
        case .approved(let record):
            exchange.noteAuditDetail("approval \(record.id) by \(record.approvers)")
            proceed()
            return
        case .denied(let record):
            refuse(exchange, .approval(ApprovalNotice(record, policyVersion: policyVersion)), server: server)
            return
        case .pending(let record):
            pending = record
        case .none:
            pending = approvals.request(
                principal: principal, server: server, tool: tool, argumentsDigest: digest,
                summary: Self.approvalSummary(exchange.message.params?["arguments"]), rule: rule, session: session,
                terms: governance.current.policy.approvalTerms(of: rule)
            )
        }
        guard pending.terms.decidedInClient else {
            askOutOfBand(exchange, about: pending, approvals, digest: digest, policyVersion: policyVersion)
            return
        }
        if exchange.session.declares("elicitation") {
            if exchange.session.isModern {
                askModern(exchange, about: pending, digest: digest)
                return
            }
            if ask(exchange, about: pending, approvals, policyVersion: policyVersion, then: proceed) { return }
        }
        refuse(exchange, .approval(ApprovalNotice(pending, policyVersion: policyVersion)), server: server)
    }

    private enum RetryOutcome { case proceed, handled }

    /// A 2026-07-28 retry that carries this gateway's approval `requestState`: its answer
    /// decides; nil when the request carries no such state (a first call, or another state).
    private func approvalRetry(_ exchange: MCPExchange, _ approvals: ApprovalDesk, tool: String, digest: String, policyVersion: String) -> RetryOutcome? {
        let params = exchange.message.params
        guard let token = params?["requestState"]?.string, let opened = sessions.sealer.open(token, purpose: Self.approvalPurpose(exchange.session)),
            let state = try? JSONView.parse(ByteBuffer(bytes: opened)), let id = state["i"]?.string
        else { return nil }
        guard state["n"]?.string == tool, state["a"]?.string == digest else {
            exchange.fail(.invalidParams("requestState belongs to another request"))
            return .handled
        }
        if let record = approvals.record(id: id), !record.terms.decidedInClient {
            // Opening the console's page is all a client's answer says: the queue decides.
            // Still pending, the caller is told so rather than asked again (no loop of links).
            switch approvals.check(principal: record.principal, tool: record.tool, argumentsDigest: digest, session: nil) {
            case .approved(let approved):
                exchange.noteAuditDetail("approval \(approved.id) by \(approved.approvers)")
                return .proceed
            case .denied(let denied):
                refuse(exchange, .approval(ApprovalNotice(denied, policyVersion: policyVersion, page: approvals.settings.page(for: denied.id))), server: denied.server)
            case .pending(let waiting):
                refuse(exchange, .approval(ApprovalNotice(waiting, policyVersion: policyVersion, page: approvals.settings.page(for: waiting.id))), server: waiting.server)
            case .none:
                refuse(exchange, .approval(ApprovalNotice(record, policyVersion: policyVersion)), server: record.server)
            }
            return .handled
        }
        guard let answer = params?["inputResponses"]?["approval"], answer.isObject else {
            // No answer: ask again.
            if let record = approvals.record(id: id), record.state == .pending {
                askModern(exchange, about: record, digest: digest)
                return .handled
            }
            return nil
        }
        let approved = answer["action"]?.string == "accept" && answer["content"]?["approve"]?.bool == true
        let by = "client:\(exchange.caller.principal.id)"
        guard let decided = approvals.decide(id, approve: approved, by: by, reason: approved ? "approved in the client" : "declined in the client") else {
            // Decided meanwhile (out of band, or an earlier retry): the queue says what holds.
            return nil
        }
        guard approved else {
            refuse(exchange, .approval(ApprovalNotice(decided, policyVersion: policyVersion)), server: decided.server)
            return .handled
        }
        exchange.noteAuditDetail("approval \(decided.id) by \(by)")
        return .proceed
    }

    /// `input_required` with the approval question (or, `page` given, a URL elicitation to
    /// it), and a state sealed for this caller that names the approval, the tool and the
    /// arguments.
    private func askModern(_ exchange: MCPExchange, about record: ApprovalRecord, digest: String, page: String? = nil) {
        var state = JSONWriter()
        state.beginObject()
        state.field("i", record.id)
        state.field("n", record.tool)
        state.field("a", digest)
        state.endObject()
        let ttl = Duration.seconds(max(1, Int64(record.expiresAt.timeIntervalSinceNow)))
        let token = sessions.sealer.seal(Array(state.buffer.readableBytesView), purpose: Self.approvalPurpose(exchange.session), ttl: ttl)
        let labels = servers.named(record.server)?.config.labels ?? [:]
        let question = page.map { Self.approvalPage(record, url: $0, labels: labels) } ?? Self.approvalQuestion(record, labels: labels)
        let result = RequestState.inputRequired([(key: "approval", method: MCPMethod.elicitationCreate, params: question)], state: token)
        exchange.answer(JSONRPCEncoding.result(id: exchange.message.id!, result: result), isError: false)
    }

    /// A request its rule has decided out of band (`approval.via: console`, or two or more
    /// approvers): the caller's client is never asked to decide. A client that takes URL
    /// elicitation is sent the console's page for it (a 2026-07-28 client with
    /// `input_required`, a 2025-11-25 one with -32042), to open in a browser where an
    /// approver signs in; the call made again passes once the queue says approved. Any other
    /// client gets -31012 naming the page.
    private func askOutOfBand(_ exchange: MCPExchange, about record: ApprovalRecord, _ approvals: ApprovalDesk, digest: String, policyVersion: String) {
        let page = approvals.settings.page(for: record.id)
        let notice = ApprovalNotice(record, policyVersion: policyVersion, page: page)
        guard let page, exchange.session.declares(path: ["elicitation", "url"]) else {
            refuse(exchange, .approval(notice), server: record.server)
            return
        }
        if exchange.session.isModern {
            askModern(exchange, about: record, digest: digest, page: page)
            return
        }
        var w = JSONWriter()
        w.beginObject()
        w.field("code", JSONRPCErrorCode.urlElicitationRequired)
        w.field("message", "URL elicitation required: " + notice.message)
        w.key("data")
        w.beginObject()
        w.key("elicitations")
        w.beginArray()
        w.raw(Self.approvalPage(record, url: page, labels: servers.named(record.server)?.config.labels ?? [:], id: true))
        w.endArray()
        w.field("approvalId", record.id)
        w.endObject()
        w.endObject()
        audit?.refused(exchange, server: record.server, error: .approval(notice))
        exchange.answer(JSONRPCEncoding.error(id: exchange.message.id!, errorObject: w.buffer), isError: true)
    }

    /// A URL elicitation to the console's page for `record`: what to open and why, from trusted
    /// data only; `id` adds the `elicitationId` a 2025-11-25 client needs.
    static func approvalPage(_ record: ApprovalRecord, url: String, labels: [String: String] = [:], id: Bool = false) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("mode", "url")
        if id { w.field("elicitationId", record.id) }
        w.field("url", url)
        let server = labels.isEmpty ? record.server : record.server + " " + ServerLabels.text(labels)
        let who = record.terms.approvers > 1 ? "\(record.terms.approvers) approvers, none of them \(record.principal)," : "an approver"
        w.field("message", "Switchboard: the call to \(record.tool) (server \(server)) for \(record.principal) waits for \(who) in the console "
            + "(\(Self.approvalReason(record))). Open the link to see it; call again once it is approved. Approval \(record.id).")
        w.endObject()
        return w.buffer
    }

    /// Bound to the caller and endpoint, like the gateway's other states: another caller's
    /// retry cannot answer this one's question.
    static func approvalPurpose(_ session: DownstreamSession) -> String {
        "approval\u{0}" + session.principal.id + "\u{0}" + (session.virtualServer ?? "")
    }

    /// Puts the question to the client as `elicitation/create` (form mode) on the call's
    /// stream; false when it has no stream to take it.
    private func ask(
        _ exchange: MCPExchange, about record: ApprovalRecord, _ approvals: ApprovalDesk, policyVersion: String, then proceed: @escaping @Sendable () -> Void
    ) -> Bool {
        let session = exchange.session
        let gathering = InputGathering(keys: ["approval"]) { [self] outcome in
            exchange.loop.execute {
                switch outcome {
                case .success(let answers):
                    let answer = answers["approval"].flatMap { try? JSONView.parse($0) }
                    let approved = answer?["action"]?.string == "accept" && answer?["content"]?["approve"]?.bool == true
                    let by = "client:\(exchange.caller.principal.id)"
                    guard let decided = approvals.decide(record.id, approve: approved, by: by, reason: approved ? "approved in the client" : "declined in the client")
                    else {
                        // Decided meanwhile out of band: the queue says what holds.
                        self.seekApproval(exchange, rule: record.rule, policyVersion: policyVersion, server: record.server, tool: record.tool, then: proceed)
                        return
                    }
                    if approved {
                        exchange.noteAuditDetail("approval \(decided.id) by \(by)")
                        proceed()
                    } else {
                        self.refuse(exchange, .approval(ApprovalNotice(decided, policyVersion: policyVersion)), server: record.server)
                    }
                case .failure:
                    self.refuse(exchange, .approval(ApprovalNotice(record, policyVersion: policyVersion)), server: record.server)
                }
            }
        }
        exchange.loop.scheduleTask(in: Self.approvalQuestionTimeout) { gathering.expire(.clientTimeout("the approval question")) }
        let id = session.forward(.init(origin: .input(gathering, key: "approval"), method: MCPMethod.elicitationCreate))
        let request = JSONRPCEncoding.request(id: JSONRPCID(id), method: MCPMethod.elicitationCreate, params: Self.approvalQuestion(record, labels: servers.named(record.server)?.config.labels ?? [:]))
        guard exchange.sendInterim(request, kind: .request, method: MCPMethod.elicitationCreate) else {
            _ = session.takeForwarded(JSONRPCID(id))
            return false
        }
        return true
    }

    /// `elicitation/create` params: a message from trusted data (the record, the server's
    /// configured labels; never the server's own text) and one boolean to answer.
    static func approvalQuestion(_ record: ApprovalRecord, labels: [String: String] = [:]) -> ByteBuffer {
        let server = labels.isEmpty ? record.server : record.server + " " + ServerLabels.text(labels)
        return yesNoForm(
            "Switchboard: approve the call to \(record.tool) (server \(server)) for \(record.principal)? \(approvalReason(record)). \(record.summary). Approval \(record.id).",
            key: "approve", title: "Approve this call"
        )
    }

    /// A form elicitation with one required boolean, `key`: the gateway's questions.
    static func yesNoForm(_ message: String, key: String, title: String) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("mode", "form")
        w.field("message", message)
        w.key("requestedSchema")
        w.beginObject()
        w.field("type", "object")
        w.key("properties")
        w.beginObject()
        w.key(key)
        w.beginObject()
        w.field("type", "boolean")
        w.field("title", title)
        w.endObject()
        w.endObject()
        w.key("required")
        w.beginArray()
        w.string(key)
        w.endArray()
        w.endObject()
        w.endObject()
        return w.buffer
    }

    /// Why a human is asked, in the gateway's words.
    static func approvalReason(_ record: ApprovalRecord) -> String {
        switch record.rule {
        case FlowGuard.rule?: "Earlier in this conversation a tool result held instructions to the model, and this tool can act outside it (\(FlowGuard.rule))"
        case DefinitionGuard.approvalRule?: "Nobody has approved this tool's current definition (new or changed), and its server's guards ask a human per call (\(DefinitionGuard.approvalRule))"
        default: "Policy rule \(record.rule ?? "default") asks a human first"
        }
    }

    /// What an approver is told of the arguments: their names and kinds, never their values
    /// (a value could carry a secret, or text written to sway the approver).
    static func approvalSummary(_ arguments: JSONView?) -> String {
        guard let arguments, arguments.isObject, !arguments.members.isEmpty else { return "No arguments" }
        let described = arguments.members.prefix(12).map { key, value -> String in
            let kind: String
            switch value.kind {
            case .string: kind = "text of \(value.string?.count ?? 0) characters"
            case .object: kind = "object"
            case .array: kind = "list of \(value.elements.count)"
            default: kind = value.rawText.count <= 5 ? value.rawText : "number"
            }
            return "\(key.prefix(40)) (\(kind))"
        }
        return "Arguments: " + described.joined(separator: ", ") + (arguments.members.count > 12 ? ", …" : "")
    }
}
