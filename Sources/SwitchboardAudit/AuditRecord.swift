package import NIOCore
import SwitchboardCore

/// One audit event: who did what through the gateway, on whose behalf, under which rule, with
/// what outcome. The field names are fixed (SIEM mappings rely on them) and written in this
/// order; absent fields are left out. The journal adds `seq` before them and the chain fields
/// `prev` and `hash` after (`AuditJournal`).
///
/// Records hold digests, never payloads: `args_digest` and `result_digest` are keyed HMACs over
/// the exact bytes (`AuditDigester`), which a plain hash of low-entropy arguments would not be.
package struct AuditRecord: Sendable, Equatable {
    package var time: Int64 = AuditTime.nowMicroseconds()
    package var event: AuditEvent
    /// The call's id, shared by its `call.begin` and `call.end` records.
    package var id: String?
    /// The JSON-RPC id the client sent, as its JSON text (`7`, `"abc"`).
    package var requestID: String?
    package var session: String?
    package var principal: String?
    package var principalKind: String?
    package var tenant: String?
    package var clientName: String?
    package var clientVersion: String?
    /// Who the client says it acts for; recorded, never used for authorization.
    package var onBehalfOf: String?
    package var virtualServer: String?
    package var server: String?
    /// The tool (or prompt, or resource URI) the request names.
    package var tool: String?
    package var method: String?
    /// `legacy` (a session of 2025-11-25 or earlier) or `modern` (2026-07-28).
    package var era: String?
    /// `allow`, `deny`, `approval_required`.
    package var decision: String?
    package var rule: String?
    package var policyVersion: String?
    /// `ok`, `tool_error`, a JSON-RPC error code, `gateway_crash`.
    package var outcome: String?
    package var latencyMicroseconds: Int?
    package var upstreamLatencyMicroseconds: Int?
    package var argsDigest: String?
    package var resultDigest: String?
    package var traceID: String?
    /// What an event about the trail itself has to say (`audit.recovered`).
    package var detail: String?

    package init(event: AuditEvent) {
        self.event = event
    }

    /// The fields from `time` to the last present one, as JSON members without the braces.
    package func encodedFields() -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("time", AuditTime.rfc3339(time))
        w.field("event", event.rawValue)
        optional(&w, "id", id)
        if let requestID {
            w.key("request_id")
            w.raw(requestID)
        }
        optional(&w, "session", session)
        optional(&w, "principal", principal)
        optional(&w, "principal_kind", principalKind)
        optional(&w, "tenant", tenant)
        if clientName != nil || clientVersion != nil {
            w.key("client")
            w.beginObject()
            optional(&w, "name", clientName)
            optional(&w, "version", clientVersion)
            w.endObject()
        }
        optional(&w, "on_behalf_of", onBehalfOf)
        optional(&w, "virtual_server", virtualServer)
        optional(&w, "server", server)
        optional(&w, "tool", tool)
        optional(&w, "method", method)
        optional(&w, "era", era)
        optional(&w, "decision", decision)
        optional(&w, "rule", rule)
        optional(&w, "policy_version", policyVersion)
        optional(&w, "outcome", outcome)
        if let latencyMicroseconds { w.field("latency_us", latencyMicroseconds) }
        if let upstreamLatencyMicroseconds { w.field("upstream_latency_us", upstreamLatencyMicroseconds) }
        optional(&w, "args_digest", argsDigest)
        optional(&w, "result_digest", resultDigest)
        optional(&w, "trace_id", traceID)
        optional(&w, "detail", detail)
        w.endObject()
        let buffer = w.buffer
        // `{` … `}` off: the journal writes the braces around `seq`, these and the chain.
        return buffer.getSlice(at: buffer.readerIndex + 1, length: buffer.readableBytes - 2) ?? ByteBuffer()
    }

    private func optional(_ w: inout JSONWriter, _ name: String, _ value: String?) {
        if let value { w.field(name, value) }
    }
}

/// What happened. The names are fixed.
package enum AuditEvent: String, Sendable, CaseIterable {
    /// Written before the call is sent upstream: a call the server saw has its record even if
    /// the gateway dies while it runs.
    case callBegin = "call.begin"
    /// Written before the answer is released to the client.
    case callEnd = "call.end"
    /// A call the gateway refused itself (policy, approval, quota, unknown tool, limits).
    case callRefused = "call.refused"
    /// A trail reopened after the gateway stopped without closing it (a torn last line cut,
    /// calls that began and never ended closed as `gateway_crash`).
    case auditRecovered = "audit.recovered"
    /// The gateway started writing to this trail.
    case auditOpened = "audit.opened"
    /// The gateway stopped writing to it in order; a trail whose last record is not this one
    /// was left by a crash.
    case auditClosed = "audit.closed"
}
