package import Logging
package import NIOCore
package import SwitchboardCore
import SwitchboardAudit
import Synchronization

/// One message from a client, from the front door that read it to its answer: the parsed
/// message, the session it belongs to (for a 2026-07-28 request, the context that lives as
/// long as the request), the caller that request proved, and the event loop it arrived on.
/// The front doors hand exactly this to the core, and only this record carries the responder:
/// every answer, interim message and cancellation of the request goes through it.
///
/// A call the gateway forwards upstream keeps its exchange as its client side
/// (`ForwardedCall.target`); a 2026-07-28 retry after `input_required` is a new exchange that
/// takes over the same upstream call.
///
/// What later features hang on a request belongs here: the per-request timings are marked as
/// the request crosses the gateway (`ExchangeTimings`); the audit record and the trace span
/// are filled at the same marks.
package final class MCPExchange: Sendable {
    package let message: JSONRPCMessage
    package let session: DownstreamSession
    package let caller: RequestCaller
    package let loop: any EventLoop
    private let responder: any DownstreamResponder
    /// A 2026-07-28 request's hold on its admission slot, released with its answer.
    private let lease: StatelessLease?
    // The timings live here rather than in an object of their own: one allocation per request.
    private let received: UInt64
    private let authenticated: UInt64
    private let routed = Atomic<UInt64>(0)
    private let upstreamSent = Atomic<UInt64>(0)
    private let firstByte = Atomic<UInt64>(0)
    private let answered = Atomic<UInt64>(0)
    private let upstreamAnswered = Atomic<UInt64>(0)
    /// What the request's answer is recorded with (audit, metrics), filled as it goes.
    private let record = Mutex(ExchangeRecord())
    /// The HTTP request's `traceparent` and `tracestate` (with traces on).
    private let traceHeaders: InboundTraceHeaders?

    /// `received` is when the front door had the whole message (monotonic nanoseconds,
    /// `ExchangeTimings.now()`); authentication is done when the exchange is made.
    package init(
        message: JSONRPCMessage, session: DownstreamSession, caller: RequestCaller, responder: any DownstreamResponder, loop: any EventLoop,
        received: UInt64? = nil, lease: StatelessLease? = nil, traceHeaders: InboundTraceHeaders? = nil
    ) {
        self.traceHeaders = traceHeaders
        let now = ExchangeTimings.now()
        self.message = message
        self.session = session
        self.caller = caller
        self.responder = responder
        self.loop = loop
        self.lease = lease
        self.received = received ?? now
        self.authenticated = now
    }

    /// The method of a request or notification ("" for a client's answer).
    package var method: String { message.method ?? "" }
    /// The client's `progressToken` as JSON text, when it asked for progress.
    package var progressToken: String? { message.progressToken?.rawText }

    // MARK: Timings

    /// Marks a step once, on whichever thread it happens: a retry answering the same call
    /// again does not move `firstByte`, and a final answer is final.
    package func mark(_ mark: ExchangeTimings.Mark) {
        switch mark {
        case .routed: Self.setOnce(routed)
        case .upstreamSent: Self.setOnce(upstreamSent)
        case .firstByte: Self.setOnce(firstByte)
        case .upstreamAnswered: Self.setOnce(upstreamAnswered)
        case .answered: Self.setOnce(answered)
        }
    }

    private static func setOnce(_ slot: borrowing Atomic<UInt64>) {
        // Load first: after the first set this is one read, no write to a shared line.
        guard slot.load(ordering: .relaxed) == 0 else { return }
        _ = slot.compareExchange(expected: 0, desired: ExchangeTimings.now(), ordering: .relaxed)
    }

    package var timings: ExchangeTimings {
        ExchangeTimings(
            received: received, authenticated: authenticated, routed: routed.load(ordering: .relaxed),
            upstreamSent: upstreamSent.load(ordering: .relaxed), firstByte: firstByte.load(ordering: .relaxed),
            upstreamAnswered: upstreamAnswered.load(ordering: .relaxed), answered: answered.load(ordering: .relaxed)
        )
    }

    // MARK: The record

    /// The server the request was routed to (its answer's metrics are labelled with it).
    func noteServer(_ server: String) {
        record.withLock { if $0.server == nil { $0.server = server } }
    }

    /// The policy decision that let the call through.
    func noteDecision(_ decision: AuditDecision) {
        record.withLock { $0.decision = decision }
    }

    var auditDecision: AuditDecision? { record.withLock { $0.decision } }

    /// The call's `call.begin` is written; its answer writes the end.
    func auditBegan(_ call: AuditedCall) {
        record.withLock { $0.auditedCall = call }
    }

    /// What its audit records' `detail` says: what the guards found in the call's arguments or
    /// result (`ContentGuard.summary`), the approval that let it through.
    func noteAuditDetail(_ summary: String) {
        record.withLock { $0.auditDetail = $0.auditDetail.map { $0 + "; " + summary } ?? summary }
    }

    var auditDetail: String? { record.withLock { $0.auditDetail } }

    /// A 2026-07-28 retry that answered the gateway's approval question: its `requestState`
    /// and `inputResponses` are the gateway's, and do not go to the server.
    func noteApprovalRetry() {
        record.withLock { $0.approvalRetry = true }
    }

    var isApprovalRetry: Bool { record.withLock { $0.approvalRetry } }

    /// The server and own name of a tool or prompt the client called by another name than
    /// its canonical `{server}__{name}` (a shown name, or through `call_tool`); noted only then.
    /// `wrapped`: through `call_tool`, the tool's arguments one level down.
    func noteRoute(_ route: NameBook.Route, wrapped: Bool = false) {
        record.withLock {
            $0.route = route
            $0.wrapped = wrapped
        }
    }

    /// What `noteRoute` noted.
    var notedRoute: NameBook.Route? { record.withLock { $0.route } }

    /// The call came through `call_tool` (`noteRoute`).
    var isWrapped: Bool { record.withLock { $0.wrapped } }

    /// The tool or prompt as policy and audit name it: canonical, whatever the client was
    /// shown; nil for other methods.
    var calledName: String? {
        guard method == MCPMethod.toolsCall || method == MCPMethod.promptsGet else { return nil }
        return record.withLock { $0.route?.canonical } ?? message.params?["name"]?.string
    }

    /// A `resources/read` of a gateway URI (`own` is the server's URI): the contents the
    /// server returns under `own` are shown under `shown`.
    func noteShownURI(_ shown: String, own: String) {
        record.withLock { $0.shownURI = (shown, own) }
    }

    var shownURI: (shown: String, own: String)? { record.withLock { $0.shownURI } }

    /// The server answered the call with `isError: true`.
    func noteToolError() {
        record.withLock { $0.toolError = true }
    }

    /// What every log line about this request carries: its JSON-RPC id, and its trace and
    /// span when traces are on (lifted to `trace_id`/`span_id` by the JSON log). Built only
    /// when a line is written (log calls take metadata lazily).
    package var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = ["switchboard.request_id": "\(message.id?.json ?? "null")"]
        if let trace = trace() {
            metadata["trace_id"] = "\(trace.traceID)"
            metadata["span_id"] = "\(TraceParent.hex(trace.serverSpan))"
        }
        return metadata
    }

    /// The request's trace (nil when traces are off), decided on first use from its
    /// `_meta.traceparent` (else its HTTP request's `traceparent` header) and kept: routing,
    /// its audit records and its spans see the same.
    package func trace() -> ExchangeTrace? {
        guard let tracer = session.tracer, message.id != nil else { return nil }
        return record.withLock { state in
            if let trace = state.trace { return trace }
            let meta = message.params?["_meta"]
            let inbound = meta?["traceparent"]?.string.flatMap(TraceParent.init).map { ($0, meta?["tracestate"]?.string) }
                ?? traceHeaders.flatMap { headers in TraceParent(headers.parent).map { ($0, headers.state) } }
            let trace = tracer.begin(inbound: inbound?.0, state: inbound?.1)
            state.trace = trace
            return trace
        }
    }

    // MARK: Answering

    /// Answers with a result the gateway made, shaped for the client's era.
    package func reply(_ result: ByteBuffer, cacheScope: String = "public", ttlMs: Int = 0) {
        let shaped = session.isModern
            ? EraShaping.result(result, method: method, for: session, fromModernServer: false, cacheScope: cacheScope, ttlMs: ttlMs)
            : result
        answer(JSONRPCEncoding.result(id: message.id!, result: shaped), isError: false)
    }

    /// Answers with a gateway error, mapped for the client's era (`ErrorReply`).
    package func fail(_ error: GatewayError) {
        let reply = ErrorReply(error, id: message.id, modernClient: session.isModern)
        answer(reply.body, isError: true, httpStatus: reply.httpStatus, retryAfter: reply.retryAfter)
    }

    /// The final message: nothing is sent for this request after it. A call with a
    /// `call.begin` gets its `call.end` first; when that cannot be written and the trail fails
    /// closed, the answer becomes "audit unavailable". The request's metrics are recorded
    /// once the answer is on its way.
    package func answer(_ final: ByteBuffer, isError: Bool, httpStatus: Int = 200, retryAfter: Int? = nil) {
        mark(.answered)
        let record = record.withLock { state in
            defer { state.auditedCall = nil }
            return state
        }
        // An error answer is parsed for its code only when something records it.
        let recorded = record.auditedCall != nil || session.metrics != nil || session.tracer != nil
        let outcome = isError ? (recorded ? ExchangeRecord.errorCode(final) : "error") : (record.toolError ? "tool_error" : "")
        if let call = record.auditedCall {
            guard let seq = call.audit.end(call, self, final: final, outcome: outcome.isEmpty ? "ok" : outcome) else {
                let reply = ErrorReply(.auditUnavailable, id: message.id, modernClient: session.isModern)
                finish(reply.body, isError: true, httpStatus: reply.httpStatus, retryAfter: nil, record, errorType: String(GatewayError.auditUnavailable.code))
                return
            }
            if call.audit.strict, seq > 0 {
                // Released from the event loop once the sync that covers `call.end` is done.
                let failClosed = call.audit.failClosed
                call.audit.journal.whenSynced(seq) { [self] synced in
                    loop.execute {
                        guard synced || !failClosed else {
                            // The disk refused the sync: the record may not be there.
                            let reply = ErrorReply(.auditUnavailable, id: self.message.id, modernClient: self.session.isModern)
                            let code = String(GatewayError.auditUnavailable.code)
                            self.finish(reply.body, isError: true, httpStatus: reply.httpStatus, retryAfter: nil, record, errorType: code)
                            return
                        }
                        // Its metrics and span end when the answer leaves, after the sync.
                        self.answered.store(ExchangeTimings.now(), ordering: .relaxed)
                        self.finish(final, isError: isError, httpStatus: httpStatus, retryAfter: retryAfter, record, errorType: outcome)
                    }
                }
                return
            }
        }
        finish(final, isError: isError, httpStatus: httpStatus, retryAfter: retryAfter, record, errorType: outcome)
    }

    private func finish(_ final: ByteBuffer, isError: Bool, httpStatus: Int, retryAfter: Int?, _ record: ExchangeRecord, errorType: String) {
        release(final, isError: isError, httpStatus: httpStatus, retryAfter: retryAfter)
        recordMetrics(record, errorType: errorType)
        recordSpans(record, errorType: errorType)
    }

    private func recordSpans(_ record: ExchangeRecord, errorType: String) {
        guard let tracer = session.tracer, let trace = record.trace ?? trace(), trace.sampled else { return }
        tracer.recorder.record(tracer.spans(of: self, trace: trace, server: record.server, errorType: errorType))
    }

    private func recordMetrics(_ record: ExchangeRecord, errorType: String) {
        guard let metrics = session.metrics else { return }
        // From the record already read, not `calledName` (which takes the lock again).
        let tool: String? = method == MCPMethod.toolsCall ? record.route?.canonical ?? message.params?["name"]?.string : nil
        metrics.record(
            method: method, server: record.server, tool: tool, errorType: errorType, received: received,
            upstreamSent: upstreamSent.load(ordering: .relaxed), upstreamAnswered: upstreamAnswered.load(ordering: .relaxed),
            answered: answered.load(ordering: .relaxed)
        )
    }

    private func release(_ final: ByteBuffer, isError: Bool, httpStatus: Int, retryAfter: Int?) {
        session.tap?.record(revision: session.revision, kind: isError ? .error : .response, method: message.method, message: final)
        responder.sendFinal(final, httpStatus: httpStatus, retryAfter: retryAfter)
        lease?.end(cancel: false)
    }

    /// A message tied to the request that precedes its answer (progress, logs, a server's
    /// request); it falls back to the session's stream when the request's own channel cannot
    /// take it. False when neither can.
    @discardableResult
    package func sendInterim(_ interim: ByteBuffer, kind: WireTap.Kind, method: String?) -> Bool {
        session.tap?.record(revision: session.revision, kind: kind, method: method, message: interim)
        if responder.sendInterim(interim) { return true }
        return session.sendOnStreamUnrecorded(interim)
    }

    /// Keeps a long-lived answer (a listen stream) open through idle proxies.
    package func keepAlive(every interval: TimeAmount) {
        responder.keepAlive(every: interval)
    }

    /// Ends without an answer: the client cancelled the request.
    package func abandon() {
        responder.abandon()
        lease?.end(cancel: false)
    }

    /// The client's connection went away before the answer. For a 2026-07-28 request that is
    /// a cancel (spec digest §1.4): its call stops upstream and its slot is released. A legacy
    /// client's request goes on; its answer has nowhere to go.
    package func clientLeft() {
        lease?.end(cancel: true)
    }

    /// Runs `body` once the request is answered or its client left (at once if it has been).
    /// Only 2026-07-28 requests end this way: a legacy session outlives its requests.
    func whenEnded(_ body: @escaping @Sendable () -> Void) {
        lease?.whenEnded(body)
    }
}

/// What an exchange learns on its way that its answer is recorded with.
struct ExchangeRecord: Sendable {
    /// The server it was routed to.
    var server: String?
    /// The policy decision that let the call through (audit).
    var decision: AuditDecision?
    /// Its `call.begin` was written; the answer writes `call.end`.
    var auditedCall: AuditedCall?
    /// The server answered with `isError: true`.
    var toolError = false
    /// Its audit records' `detail` (guard findings, the approval spent).
    var auditDetail: String?
    /// It answered the gateway's approval question (`noteApprovalRetry`).
    var approvalRetry = false
    /// Its trace, once something asked for it (`MCPExchange.trace()`).
    var trace: ExchangeTrace?
    /// The tool or prompt behind the name the client called (`noteRoute`).
    var route: NameBook.Route?
    /// It came through `call_tool`.
    var wrapped = false
    /// The gateway URI a read asked for, and the server's own (`noteShownURI`).
    var shownURI: (shown: String, own: String)?

    /// The JSON-RPC error code of an error answer, as text ("error" when it has none).
    static func errorCode(_ final: ByteBuffer) -> String {
        guard let code = (try? JSONView.parse(final))?["error"]?["code"]?.int else { return "error" }
        return String(code)
    }
}
