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
        let pending: ApprovalRecord
        switch approvals.check(principal: principal, tool: tool, argumentsDigest: digest, session: session) {
        case .approved(let record):
            exchange.noteAuditDetail("approval \(record.id) by \(record.decidedBy ?? "?")")
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
                summary: Self.approvalSummary(exchange.message.params?["arguments"]), rule: rule, session: session
            )
        }
        guard !exchange.session.isModern, exchange.session.declares("elicitation"), ask(exchange, about: pending, approvals, policyVersion: policyVersion, then: proceed)
        else {
            refuse(exchange, .approval(ApprovalNotice(pending, policyVersion: policyVersion)), server: server)
            return
        }
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
        let request = JSONRPCEncoding.request(id: JSONRPCID(id), method: MCPMethod.elicitationCreate, params: Self.approvalQuestion(record))
        guard exchange.sendInterim(request, kind: .request, method: MCPMethod.elicitationCreate) else {
            _ = session.takeForwarded(JSONRPCID(id))
            return false
        }
        return true
    }

    /// `elicitation/create` params: a message from trusted data and one boolean to answer.
    static func approvalQuestion(_ record: ApprovalRecord) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("mode", "form")
        w.field("message", "Switchboard: approve the call to \(record.tool) (server \(record.server)) for \(record.principal)? "
            + "Policy rule \(record.rule ?? "default") asks a human first. \(record.summary). Approval \(record.id).")
        w.key("requestedSchema")
        w.beginObject()
        w.field("type", "object")
        w.key("properties")
        w.beginObject()
        w.key("approve")
        w.beginObject()
        w.field("type", "boolean")
        w.field("title", "Approve this call")
        w.endObject()
        w.endObject()
        w.key("required")
        w.beginArray()
        w.string("approve")
        w.endArray()
        w.endObject()
        w.endObject()
        return w.buffer
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
