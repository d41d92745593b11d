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
    /// The server's `labels` as a JSON object, encoded once per server (`encodeLabels`).
    package var serverLabels: ByteBuffer?
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
    /// The call's arguments and the answer's result, redacted, for the calls `audit.capture`
    /// names (`arguments` / `result`, or `…_truncated` text when cut); never otherwise.
    package var arguments: AuditRedaction.Kept?
    package var result: AuditRedaction.Kept?
    package var traceID: String?
    /// What an event about the trail itself has to say (`audit.recovered`).
    package var detail: String?
    /// An `audit.checkpoint`'s signer (`AuditSigner.keyID`) and its Ed25519 signature of the
    /// record before it.
    package var keyID: String?
    package var signature: String?
    /// `session` to `client` as `encodedCaller()` wrote them, standing for those fields: the
    /// same for every call of a session, so encoded once per session.
    package var encodedCallerFields: ByteBuffer?

    package init(event: AuditEvent) {
        self.event = event
    }

    /// `labels` as the `server_labels` object (keys sorted); nil for none.
    package static func encodeLabels(_ labels: [String: String]) -> ByteBuffer? {
        guard !labels.isEmpty else { return nil }
        var w = JSONWriter()
        w.beginObject()
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { w.field(key, value) }
        w.endObject()
        return w.buffer
    }

    /// The fields from `time` to the last present one, as JSON members without the braces.
    /// `identity`, when given, stands for the fields from `id` to `policy_version` as
    /// `encodedIdentity()` wrote them: a call's end repeats its begin's, encoded once.
    package func encodedFields(identity: ByteBuffer? = nil) -> ByteBuffer {
        var w = AuditFieldWriter(capacity: 768)
        w.time(#""time":"#, time)
        w.string(#""event":"#, event.rawValue)
        if let identity {
            w.raw(identity)
        } else {
            writeIdentity(&w)
        }
        w.string(#""outcome":"#, outcome)
        w.int(#""latency_us":"#, latencyMicroseconds)
        w.int(#""upstream_latency_us":"#, upstreamLatencyMicroseconds)
        w.string(#""args_digest":"#, argsDigest)
        w.string(#""result_digest":"#, resultDigest)
        switch arguments {
        case .json(let json): w.raw(#""arguments":"#, json)
        case .cut(let text): w.string(#""arguments_truncated":"#, text)
        case nil: break
        }
        switch result {
        case .json(let json): w.raw(#""result":"#, json)
        case .cut(let text): w.string(#""result_truncated":"#, text)
        case nil: break
        }
        w.string(#""trace_id":"#, traceID)
        w.string(#""detail":"#, detail)
        w.string(#""key_id":"#, keyID)
        w.string(#""signature":"#, signature)
        return w.buffer
    }

    /// The fields from `id` to `policy_version`, for `encodedFields(identity:)`.
    package func encodedIdentity() -> ByteBuffer {
        var w = AuditFieldWriter(capacity: 512)
        writeIdentity(&w)
        return w.buffer
    }

    /// The fields from `session` to `client`, for `encodedCallerFields`.
    package func encodedCaller() -> ByteBuffer {
        var w = AuditFieldWriter(capacity: 256)
        writeCaller(&w)
        return w.buffer
    }

    private func writeIdentity(_ w: inout AuditFieldWriter) {
        w.string(#""id":"#, id)
        if let requestID { w.raw(#""request_id":"#, requestID) }
        if let encodedCallerFields {
            w.raw(encodedCallerFields)
        } else {
            writeCaller(&w)
        }
        w.string(#""on_behalf_of":"#, onBehalfOf)
        w.string(#""virtual_server":"#, virtualServer)
        w.string(#""server":"#, server)
        if let serverLabels { w.raw(#""server_labels":"#, serverLabels) }
        w.string(#""tool":"#, tool)
        w.string(#""method":"#, method)
        w.string(#""era":"#, era)
        w.string(#""decision":"#, decision)
        w.string(#""rule":"#, rule)
        w.string(#""policy_version":"#, policyVersion)
    }

    private func writeCaller(_ w: inout AuditFieldWriter) {
        w.string(#""session":"#, session)
        w.string(#""principal":"#, principal)
        w.string(#""principal_kind":"#, principalKind)
        w.string(#""tenant":"#, tenant)
        if clientName != nil || clientVersion != nil {
            w.beginObject(#""client":"#)
            w.string(#""name":"#, clientName)
            w.string(#""version":"#, clientVersion)
            w.endObject()
        }
    }
}

/// JSON members written straight into a buffer, without the braces: a record has no nesting
/// but `client`, so this needs none of `JSONWriter`'s bookkeeping. Each key is passed with
/// its quotes and colon (`"time":`), one write per key.
struct AuditFieldWriter {
    var buffer: ByteBuffer
    private var needsComma = false

    init(capacity: Int) {
        buffer = ByteBuffer()
        buffer.reserveCapacity(capacity)
    }

    private mutating func key(_ key: StaticString) {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
        needsComma = true
        buffer.writeStaticString(key)
    }

    mutating func string(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        JSONWriter.writeEscaped(value, into: &buffer)
    }

    /// RFC 3339 UTC, quoted.
    mutating func time(_ key: StaticString, _ microseconds: Int64) {
        self.key(key)
        buffer.writeInteger(UInt8(ascii: "\""))
        AuditTime.rfc3339(microseconds, appendingTo: &buffer)
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    mutating func int(_ key: StaticString, _ value: Int?) {
        guard let value else { return }
        self.key(key)
        if value < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
        AuditChain.writeDecimal(UInt64(value.magnitude), into: &buffer)
    }

    /// A member whose value is JSON text already.
    mutating func raw(_ key: StaticString, _ json: String) {
        self.key(key)
        buffer.writeString(json)
    }

    mutating func raw(_ key: StaticString, _ json: ByteBuffer) {
        self.key(key)
        buffer.writeImmutableBuffer(json)
    }

    /// An object member; its members follow, then `endObject`.
    mutating func beginObject(_ key: StaticString) {
        self.key(key)
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        buffer.writeInteger(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Members written by another writer.
    mutating func raw(_ members: ByteBuffer) {
        guard members.readableBytes > 0 else { return }
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
        needsComma = true
        buffer.writeImmutableBuffer(members)
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
    /// The record before it signed (`AuditSigner`), at intervals and before `audit.closed`.
    case auditCheckpoint = "audit.checkpoint"
    /// The config file was read again (a change, `SIGHUP`): the policy version now in force.
    case configReloaded = "config.reloaded"
    /// A changed config file did not validate; the rules in force stay.
    case configReloadRefused = "config.reload_refused"
    /// A client session (2025-11-25 and earlier) began: `initialize` answered.
    case sessionOpened = "session.opened"
    /// It ended: `DELETE`, its HTTP+SSE stream closed, stdin closed, or a new `initialize`.
    case sessionEnded = "session.ended"
    /// A server finished its handshake (`detail`: started or restarted, and its protocol).
    case upstreamReady = "upstream.ready"
    /// A running or starting server failed (`detail`: why, and when it is tried again).
    case upstreamFailed = "upstream.failed"
    /// An API key came into the store (by `switchboard keys`, the admin API, another replica).
    case keyCreated = "key.created"
    /// An API key was revoked.
    case keyRevoked = "key.revoked"
    /// A request the HTTP front door turned away before any caller was known (credentials,
    /// Origin, a body over the limit): at most one a second per reason (`RefusalRecorder`).
    case requestRefused = "request.refused"
    /// A change made through the admin API (`method`: the HTTP method and path; `outcome`:
    /// the HTTP status), by the principal that made it.
    case adminAction = "admin.action"
    /// A tool definition's pin moved (`tool`: the server's own name; `outcome`: the new state,
    /// pending, approved, drifted or rejected; `detail`: how, the pins and the findings' rules):
    /// first seen, changed upstream, approved or rejected by an operator.
    case pinChanged = "pin.changed"
    /// An operator accepted (or withdrew) one finding for one tool (`detail`: the rule, who, why).
    case findingAccepted = "guard.finding_accepted"
    /// A call held for human approval moved (`tool`: the federated name; `outcome`: requested,
    /// approved, denied, used or expired; `detail`: the approval id, the rule, who decided, why,
    /// the scope).
    case approvalChanged = "approval.changed"
}
