import Synchronization
package import NIOCore
import SwitchboardCore
package import SwitchboardUpstream

/// Every error the gateway answers a request with, and its JSON-RPC code, message and data.
/// What a client of each era receives, HTTP status included, is decided in one place
/// (`ErrorReply`). Messages name what failed and never echo secrets.
package enum GatewayError: Error, Sendable {
    case methodNotFound(String)
    case invalidParams(String)
    case unknownTool(String)
    case unknownPrompt(String)
    case resourceNotFound(String)
    case invalidCursor
    case upstream(UpstreamError)
    case overloaded(String)
    /// No room for another session or 2026-07-28 request (`sessions.max_sessions`): the
    /// request was refused at the door, before any session held it.
    case sessionLimit(String)
    case internalError(String)
    /// 2026-07-28: the call needs a client capability the request did not declare.
    case missingCapability(String)
    /// The client left a server's request relayed to it unanswered.
    case clientTimeout(String)
    /// Policy said no: the rule (nil for the default) and the policy version.
    case policyDenied(rule: String?, policyVersion: String)
    /// Policy wants a human to approve the call first.
    case approvalRequired(rule: String?, policyVersion: String)
    /// The call waits for a human's approval (filed in the queue), or a human denied it.
    case approval(ApprovalNotice)
    /// A quota refused the call: which limit, what kind, and when to try again.
    case quotaExceeded(limit: String, kind: String, retryAfter: Duration)
    /// The audit trail could not record the call and fails closed (`audit.on_failure`).
    case auditUnavailable
    /// The guards hide the tool until an operator approves it (`DefinitionGuard`).
    case toolQuarantined(Quarantine)
    /// The guards withheld a result or refused a call's arguments (`guards.results`).
    case guardBlocked(GuardBlock)

    package init(_ error: any Error) {
        switch error {
        case let e as GatewayError: self = e
        case let e as UpstreamError: self = .upstream(e)
        default: self = .internalError("\(error)")
        }
    }

    package var code: Int {
        switch self {
        case .methodNotFound: JSONRPCErrorCode.methodNotFound
        case .invalidParams, .unknownTool, .unknownPrompt, .invalidCursor: JSONRPCErrorCode.invalidParams
        case .resourceNotFound: JSONRPCErrorCode.resourceNotFound
        case .upstream(.unavailable): JSONRPCErrorCode.upstreamUnavailable
        case .upstream(.timeout): JSONRPCErrorCode.upstreamTimeout
        case .upstream(.protocolError): JSONRPCErrorCode.upstreamProtocolError
        case .upstream(.cancelled): JSONRPCErrorCode.requestCancelled
        case .overloaded, .sessionLimit: JSONRPCErrorCode.overloaded
        case .internalError, .auditUnavailable: JSONRPCErrorCode.internalError
        case .missingCapability: JSONRPCErrorCode.missingRequiredClientCapability
        case .clientTimeout: JSONRPCErrorCode.clientTimeout
        case .policyDenied: JSONRPCErrorCode.policyDenied
        case .approvalRequired, .approval: JSONRPCErrorCode.approvalRequired
        case .quotaExceeded: JSONRPCErrorCode.quotaExceeded
        case .toolQuarantined: JSONRPCErrorCode.toolQuarantined
        case .guardBlocked: JSONRPCErrorCode.guardBlocked
        }
    }

    package var message: String {
        switch self {
        case .methodNotFound(let m): "Method not found: \(m)"
        case .invalidParams(let why): "Invalid params: \(why)"
        case .unknownTool(let name): "Unknown tool: \(name)"
        case .unknownPrompt(let name): "Unknown prompt: \(name)"
        case .resourceNotFound(let uri): "Resource not found: \(uri)"
        case .invalidCursor: "Invalid params: unknown or malformed cursor"
        case .upstream(.unavailable(let server, let reason)): "Server '\(server)' is unavailable: \(reason)"
        case .upstream(.timeout(let server, let after)): "Server '\(server)' did not answer within \(after)"
        case .upstream(.protocolError(let server, let reason)): "Server '\(server)' broke the protocol: \(reason)"
        case .upstream(.cancelled): "Request cancelled"
        case .overloaded(let why), .sessionLimit(let why): "Gateway overloaded: \(why)"
        case .internalError: "Internal error"
        case .auditUnavailable: "Audit unavailable: the gateway cannot record calls, so it makes none"
        case .missingCapability(let capability): "Missing required client capability: \(capability)"
        case .clientTimeout(let what): "The client did not answer \(what) in time"
        case .policyDenied(let rule, _): "Denied by policy" + (rule.map { " (rule \($0))" } ?? " (default)")
        case .approvalRequired(let rule, _): "Approval required" + (rule.map { " (rule \($0))" } ?? "")
        case .approval(let notice): notice.message
        case .quotaExceeded(let limit, let kind, let after):
            "Quota exceeded: \(kind) limit \(limit); retry after \(Self.milliseconds(after)) ms"
        case .toolQuarantined(let q): q.message
        case .guardBlocked(let block): block.message
        }
    }

    /// Whole milliseconds, rounded up so "retry after" never says a moment too early.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(0, seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }

    /// For HTTP answers: seconds for a `Retry-After` header, when the error has one.
    package var retryAfterSeconds: Int? {
        guard case .quotaExceeded(_, _, let after) = self else { return nil }
        return Int((Self.milliseconds(after) + 999) / 1000)
    }

    /// `data` for the error: the server involved, so clients and logs can tell which one.
    package var data: ByteBuffer? {
        switch self {
        case .missingCapability(let capability):
            return ByteBuffer(string: #"{"requiredCapabilities":{"# + JSONWriter.quoted(capability) + ":{}}}")
        case .policyDenied(let rule, let version), .approvalRequired(let rule, let version):
            // Machine-readable: clients and audit tell which rule of which policy version.
            var w = JSONWriter()
            w.beginObject()
            w.field("reason", code == JSONRPCErrorCode.policyDenied ? "policy_denied" : "approval_required")
            w.field("rule", rule ?? "default")
            w.field("policyVersion", version)
            w.endObject()
            return w.buffer
        case .toolQuarantined(let q):
            return q.data
        case .guardBlocked(let block):
            return block.data
        case .approval(let notice):
            return notice.data
        case .quotaExceeded(let limit, let kind, let after):
            var w = JSONWriter()
            w.beginObject()
            w.field("reason", "quota_exceeded")
            w.field("limit", limit)
            w.field("kind", kind)
            w.field("retryAfterMs", Int(Self.milliseconds(after)))
            w.endObject()
            return w.buffer
        default:
            break
        }
        let server: String
        switch self {
        case .upstream(.unavailable(let s, _)), .upstream(.timeout(let s, _)), .upstream(.protocolError(let s, _)): server = s
        default: return nil
        }
        var w = JSONWriter()
        w.beginObject()
        w.field("server", server)
        w.endObject()
        return w.buffer
    }
}
