package import Logging
import Metrics
import NIOCore
package import SwitchboardAudit
import SwitchboardCore
package import SwitchboardPolicy
import SwitchboardGuards
import Synchronization

/// The audit records of the calls the gateway forwards or refuses: `call.begin` written before
/// the call leaves for its server, `call.end` before its answer is released, `call.refused`
/// for what the gateway turned away itself. Covers `tools/call`, `prompts/get` and
/// `resources/read`, whose effects are the server's; lists and the gateway's own answers are
/// not call records.
///
/// Records are appended on the request's event loop (one `write(2)` into the page cache, no
/// thread hop). When the journal cannot be written, `failClosed` refuses the call (or
/// replaces its answer) with "audit unavailable"; otherwise the call goes on and the failure
/// is counted and logged.
package final class CallAudit: Sendable {
    package let journal: AuditJournal
    let digester: AuditDigester
    let failClosed: Bool
    /// `audit.mode: strict`: an answer whose call was recorded is released only once its
    /// `call.end` is on disk (`AuditJournal.whenSynced`), not just in the page cache.
    let strict: Bool
    /// `audit.capture`: the calls whose payloads the trail keeps, redacted (nil: none).
    let capture: AuditCapture?
    /// Each labelled server's `server_labels`, encoded once.
    let serverLabels: [String: ByteBuffer]
    let logger: Logger

    static let auditedMethods: Set<String> = [MCPMethod.toolsCall, MCPMethod.promptsGet, MCPMethod.resourcesRead]
    private static let writeFailures = Counter(label: "switchboard_audit_write_failures_total")
    private static let written: [AuditEvent: Counter] = Dictionary(uniqueKeysWithValues: [AuditEvent.callBegin, .callEnd, .callRefused].map {
        ($0, Counter(label: "switchboard_audit_records_total", dimensions: [("event", $0.rawValue)]))
    })

    /// 32 random bits, the first 8 hex digits of every call id (`callID`).
    private let idPrefix = UInt32.random(in: .min ... .max)
    private let calls = Atomic<UInt64>(0)

    package init(
        journal: AuditJournal, digester: AuditDigester, failClosed: Bool, strict: Bool = false, capture: AuditCapture? = nil,
        serverLabels: [String: [String: String]] = [:], logger: Logger
    ) {
        self.serverLabels = serverLabels.compactMapValues(AuditRecord.encodeLabels)
        self.strict = strict
        self.capture = capture
        self.journal = journal
        self.digester = digester
        self.failClosed = failClosed
        self.logger = logger
    }

    /// `call.begin` for a call about to be sent to `server`; false when it could not be written
    /// and the trail fails closed (the call must not go out).
    func begin(_ exchange: MCPExchange, server: String) -> Bool {
        guard Self.auditedMethods.contains(exchange.method) else { return true }
        var record = AuditRecord(event: .callBegin)
        fill(&record, exchange, server: server)
        record.id = callID()
        let arguments = exchange.message.params?["arguments"]
        if let arguments {
            record.argsDigest = arguments.bytes.withUnsafeReadableBytes { digester.digest($0) }
        }
        let captured = record.tool.flatMap { capture?.rule(for: $0) }
        if let captured, captured.arguments, let arguments { record.arguments = captured.redaction.apply(arguments) }
        record.detail = exchange.auditDetail
        let identity = record.encodedIdentity()
        guard write(record.encodedFields(identity: identity), record.event) else { return !failClosed }
        exchange.auditBegan(AuditedCall(audit: self, identity: identity, resultCapture: captured?.result == true ? captured?.redaction : nil))
        return true
    }

    /// `call.end` for a begun call, as its answer `final` is about to leave with `outcome`
    /// (`ok`, `tool_error`, or a JSON-RPC code): its seq (0 when it failed and the trail fails
    /// open); nil when it could not be written and the trail fails closed (the answer must
    /// become an error).
    func end(_ call: AuditedCall, _ exchange: MCPExchange, final: ByteBuffer, outcome: String) -> UInt64? {
        var record = AuditRecord(event: .callEnd)
        record.outcome = outcome
        let timings = exchange.timings
        record.latencyMicroseconds = Self.microseconds(from: timings.received, to: timings.answered)
        if timings.upstreamSent != 0, timings.firstByte >= timings.upstreamSent {
            record.upstreamLatencyMicroseconds = Self.microseconds(from: timings.upstreamSent, to: timings.firstByte)
        }
        if outcome == "ok" || outcome == "tool_error" { record.resultDigest = final.withUnsafeReadableBytes { digester.digest($0) } }
        if let redaction = call.resultCapture, let answer = try? JSONView.parse(final), let value = answer["result"] ?? answer["error"] {
            record.result = redaction.apply(value)
        }
        record.traceID = exchange.trace()?.traceID
        record.detail = exchange.auditDetail
        if let seq = append(record.encodedFields(identity: call.identity), record.event) { return seq }
        return failClosed ? nil : 0
    }

    /// `call.refused` for a call the gateway answers with `error` itself, before any server
    /// sees it (policy, approval, quota, an unknown tool).
    func refused(_ exchange: MCPExchange, server: String?, error: GatewayError) {
        guard Self.auditedMethods.contains(exchange.method) else { return }
        var record = AuditRecord(event: .callRefused)
        fill(&record, exchange, server: server)
        record.outcome = String(error.code)
        switch error {
        case .policyDenied(let rule, let version):
            record.decision = "deny"
            record.rule = rule ?? "default"
            record.policyVersion = version
        case .approvalRequired(let rule, let version):
            record.decision = "approval_required"
            record.rule = rule ?? "default"
            record.policyVersion = version
        case .quotaExceeded(let limit, _, _):
            record.decision = "deny"
            record.rule = limit
        case .guardBlocked(let block):
            record.decision = "guard_blocked"
            record.rule = block.rules.first
            record.detail = exchange.auditDetail
        case .toolQuarantined(let quarantine):
            record.decision = "quarantined"
            record.rule = quarantine.rules.first
            record.detail = "\(quarantine.state.rawValue), pin \(quarantine.pin)" + (quarantine.approvedPin.map { ", approved \($0)" } ?? "")
        default:
            break
        }
        _ = write(record.encodedFields(), record.event)
    }

    /// `session.opened` or `session.ended` for a legacy session (2026-07-28 requests hold none),
    /// `detail` saying how it ended.
    func session(_ event: AuditEvent, _ session: DownstreamSession, detail: String? = nil) {
        var record = AuditRecord(event: event)
        Self.fillCaller(&record, principal: session.principal, session: session)
        record.virtualServer = session.virtualServer
        record.era = "legacy"
        record.detail = detail
        _ = write(record.encodedFields(), record.event)
    }

    /// A record about the gateway itself (a server's state, a key, an admin change); a
    /// failure to write it is logged and counted, never refused: nothing waits on it.
    package func gatewayEvent(
        _ event: AuditEvent, server: String? = nil, tool: String? = nil, principal: Principal? = nil, method: String? = nil, outcome: String? = nil,
        detail: String? = nil
    ) {
        var record = AuditRecord(event: event)
        if let principal {
            record.principal = principal.id
            record.principalKind = principal.kind.rawValue
            record.tenant = principal.tenant
        }
        record.server = server
        record.serverLabels = server.flatMap { serverLabels[$0] }
        record.tool = tool
        record.method = method
        record.outcome = outcome
        record.detail = detail
        _ = write(record.encodedFields(), record.event)
    }

    /// What every call record says about the request: who, through which session and
    /// client, what it names.
    private func fill(_ record: inout AuditRecord, _ exchange: MCPExchange, server: String?) {
        let principal = exchange.caller.principal
        let session = exchange.session
        record.requestID = exchange.message.id?.json
        // Who and through which session: the same for every call of a legacy session made by
        // its own caller (the usual case), so encoded once and kept on the session.
        if !session.isModern, principal == session.principal {
            record.encodedCallerFields = session.auditCallerFields {
                var caller = AuditRecord(event: record.event)
                Self.fillCaller(&caller, principal: principal, session: session)
                return caller.encodedCaller()
            }
        } else {
            Self.fillCaller(&record, principal: principal, session: session)
        }
        record.virtualServer = session.virtualServer
        record.server = server
        record.serverLabels = server.flatMap { serverLabels[$0] }
        let params = exchange.message.params
        record.tool = exchange.method == MCPMethod.resourcesRead ? params?["uri"]?.string : exchange.calledName ?? params?["name"]?.string
        record.method = exchange.method
        record.era = session.isModern ? "modern" : "legacy"
        record.traceID = exchange.trace()?.traceID
        if let decision = exchange.auditDecision {
            record.decision = "allow"
            record.rule = decision.rule ?? "default"
            record.policyVersion = decision.policyVersion
        }
    }

    private static func fillCaller(_ record: inout AuditRecord, principal: Principal, session: DownstreamSession) {
        record.session = session.isModern ? nil : session.id
        record.principal = principal.id
        record.principalKind = principal.kind.rawValue
        record.tenant = principal.tenant
        record.clientName = session.clientName
    }

    private func write(_ fields: ByteBuffer, _ event: AuditEvent) -> Bool {
        append(fields, event) != nil
    }

    /// The record's seq, or nil when it could not be written (logged and counted).
    private func append(_ fields: ByteBuffer, _ event: AuditEvent) -> UInt64? {
        do {
            let seq = try journal.append(fields: fields)
            Self.written[event]?.increment()
            return seq
        } catch {
            Self.writeFailures.increment()
            logger.error("audit record not written", metadata: [
                "switchboard.error": "\(error)", "switchboard.audit_event": "\(event.rawValue)", "switchboard.fail_closed": "\(failClosed)",
            ])
            return nil
        }
    }

    private static func microseconds(from start: UInt64, to end: UInt64) -> Int? {
        guard start != 0, end >= start else { return nil }
        return Int((end - start) / 1000)
    }

    /// The id a call's begin and end share: this process's random prefix and a 48-bit
    /// counter, in 20 hex digits, so ids never repeat across restarts and cost no system call.
    private func callID() -> String {
        let prefix = UInt64(idPrefix)
        let number = calls.add(1, ordering: .relaxed).newValue
        return String(unsafeUninitializedCapacity: 20) { out in
            for i in 0..<8 { out[i] = Self.hexDigits[Int(prefix >> UInt64(28 - 4 * i) & 0xF)] }
            for i in 0..<12 { out[8 + i] = Self.hexDigits[Int(number >> UInt64(44 - 4 * i) & 0xF)] }
            return 20
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

/// A call whose `call.begin` is written: its end repeats the begin's facts, as encoded then.
struct AuditedCall: Sendable {
    let audit: CallAudit
    let identity: ByteBuffer
    /// How its answer's result is kept (`audit.capture` with `result`); nil: only its digest.
    var resultCapture: AuditRedaction? = nil
}

/// The policy decision that let a call through, for its records.
struct AuditDecision: Sendable {
    let rule: String?
    let policyVersion: String
}
