import Logging
import Metrics
import NIOCore
import SwitchboardCore
import SwitchboardPolicy
import SwitchboardUpstream

/// A routed request on its way to its server and back: the call registered with its session,
/// the params spliced (names, progress token, the 2026-07-28 envelope for the server's era),
/// the caller's upstream credential chosen, and the server's answer relayed under the client's
/// id, shaped for the client's era.
extension CallRouter {
    /// Sends the exchange's request to `server` with `edits` applied to its params. A
    /// 2026-07-28 retry that carries this gateway's sealed `requestState` resumes its held call
    /// instead (`InputBridge`).
    func forward(_ exchange: MCPExchange, to shared: UpstreamServer, edits: [(target: JSONView, json: String)], ticket: QuotaTicket? = nil) {
        var server = shared
        if shared.isPerUser, let personal {
            switch personal.route(exchange.caller.principal.id, to: shared) {
            case .session(let own):
                server = own
            case .consent(let url):
                ticket?.release()
                askToConnect(exchange, url: url, server: shared)
                return
            }
        }
        guard exchange.session.inFlightCount < maxInFlightPerSession else {
            ticket?.release()
            exchange.fail(.overloaded("more than \(maxInFlightPerSession) requests in flight in this session"))
            return
        }
        if exchange.isApprovalRetry, let params = exchange.message.params {
            // The members that answered the gateway's own question stay here.
            let edited = edits.isEmpty ? params.bytes : JSONSplice.replacing(in: params, edits)
            guard let view = try? JSONView.parse(edited, maxDepth: 256),
                let stripped = JSONSplice.removing(["requestState", "inputResponses"], from: view).flatMap({ try? JSONView.parse($0, maxDepth: 256) })
            else {
                ticket?.release()
                exchange.fail(.internalError("the approved call's params could not be rebuilt"))
                return
            }
            start(exchange, params: stripped, edits: [], to: server, prefilled: [:], ticket: ticket, auditBegun: false)
            return
        }
        var begun = false
        if exchange.session.isModern, let state = exchange.message.params?["requestState"]?.string {
            // A retry that carries a `requestState` may take over a held call, whose answer
            // is then this request's: its records begin here, before the answers go upstream.
            if let audit {
                guard audit.begin(exchange, server: server.name) else {
                    ticket?.release()
                    exchange.fail(.auditUnavailable)
                    return
                }
                begun = true
            }
            // Or take a result the guards held for release.
            if content != nil, releaseRetry(exchange, state: state) {
                ticket?.release()
                return
            }
            switch input.resume(exchange, at: server) {
            case .notHeld:
                break
            case .handled:
                // The held call keeps the slot it took when it started.
                ticket?.release()
                return
            case .finished(let outcome, let method):
                ticket?.release()
                complete(outcome, to: exchange, method: method, from: server)
                return
            case .rerun(let params, let edits, let prefilled):
                ticket?.release()
                start(exchange, params: params, edits: edits, to: server, prefilled: prefilled, ticket: nil, auditBegun: begun)
                return
            }
        }
        start(exchange, params: exchange.message.params, edits: edits, to: server, prefilled: [:], ticket: ticket, auditBegun: begun)
    }

    private func start(
        _ exchange: MCPExchange, params: JSONView?, edits: [(target: JSONView, json: String)], to server: UpstreamServer,
        prefilled: [String: ByteBuffer], ticket: QuotaTicket?, auditBegun: Bool
    ) {
        exchange.mark(.routed)
        exchange.noteServer(server.name)
        // The record goes before the call: a call the server saw is a call the trail has
        // (a retry that began its records in `forward` has one already).
        if let audit, !auditBegun, !audit.begin(exchange, server: server.name) {
            ticket?.release()
            exchange.fail(.auditUnavailable)
            return
        }
        let session = exchange.session
        // Only a 2026-07-28 retry needs the name repeated; legacy calls skip the lookup.
        let name = session.isModern ? ModernRequest.nameKey(for: exchange.method).flatMap { params?[$0]?.string } : nil
        let call = ForwardedCall(exchange, name: name, prefilled: prefilled, ticket: ticket)
        session.register(call: call, id: exchange.message.id!)
        send(call, params: params, edits: edits, to: server, on: exchange.loop)
        exchange.mark(.upstreamSent)
    }

    /// One upstream attempt of `call`: `members` (raw JSON by key) are set in the params on
    /// top of `edits`, for retries that carry `inputResponses` and `requestState`.
    func send(
        _ call: ForwardedCall, params: JSONView?, edits: [(target: JSONView, json: String)], members: [(String, String)] = [],
        to server: UpstreamServer, on loop: any EventLoop, round: Int = 0
    ) {
        let metaView = params?["_meta"]
        let clientToken = metaView?["progressToken"]
        let modernServer = server.speaksModernEra
        // A legacy server refuses requests that carry the 2026-07-28 envelope: `_meta` goes
        // without it (rebuilt from the small `_meta` alone, the rest of params untouched).
        let strippedMeta = call.session?.isModern == true && !modernServer ? metaView.flatMap { JSONSplice.removing(Self.modernMetaKeys, from: $0) } : nil
        // A 2026-07-28 server is told, per request, what the client can answer (§4.3).
        var clientMeta = modernServer ? call.session.map { UpstreamRequestMeta(clientCapabilities: $0.bridgeableCapabilities, logLevel: $0.logLevel) } : nil
        // The upstream request carries the trace on, its parent the gateway's CLIENT span
        // (with traces off, not even the call's target is looked up).
        let trace = sessions.tracer == nil ? nil : call.target?.trace()
        if let trace {
            // A legacy server gets the context in `_meta` (below) and, over HTTP, as the header.
            if clientMeta == nil { clientMeta = UpstreamRequestMeta() }
            clientMeta?.traceParent = trace.upstreamTraceParent
            clientMeta?.traceState = trace.traceState
        }
        let meta = credential.meta(clientMeta, for: call.caller, to: server)
        let (upstreamID, future) = server.request(method: call.method, observer: call, on: loop, meta: meta) { id in
            let legacyTrace = modernServer ? nil : trace
            guard let params else {
                return legacyTrace.map { ByteBuffer(string: #"{"_meta":{"traceparent":"# + JSONWriter.quoted($0.upstreamTraceParent) + "}}") }
            }
            var all = edits
            if let strippedMeta, let metaView {
                var meta = strippedMeta
                if let view = try? JSONView.parse(strippedMeta), let token = view["progressToken"] {
                    meta = JSONSplice.replacing(in: view, [(token, String(id))])
                }
                all.append((metaView, String(buffer: meta)))
            } else if let clientToken {
                all.append((clientToken, String(id)))
            }
            var bytes = all.isEmpty ? params.bytes : JSONSplice.replacing(in: params, all)
            for (key, json) in members {
                guard let view = try? JSONView.parse(bytes, maxDepth: 256) else { break }
                bytes = JSONSplice.setting(key, to: json, in: view)
            }
            if let legacyTrace {
                bytes = TracePropagation.stamp(bytes, traceParent: legacyTrace.upstreamTraceParent, traceState: legacyTrace.traceState)
            }
            return bytes
        }
        call.bind(server: server, id: upstreamID)
        future.whenComplete { result in
            if case .success(let response) = result, modernServer, let answer = response.result,
                answer["resultType"]?.string == "input_required", let session = call.session, !session.isModern
            {
                // A 2026-07-28 server asks a legacy client for input: ask it for real, then retry.
                self.input.gather(answer, for: call, from: server, round: round) { members in
                    self.send(call, params: params, edits: edits, members: members, to: server, on: loop, round: round + 1)
                }
                return
            }
            self.complete(call, result, from: server)
        }
    }

    /// A caller of a `per_user` server who has not connected its account is asked to open
    /// `url` (the gateway's consent link, made for it alone): as URL elicitation where the
    /// client can take one (`input_required` for 2026-07-28, the -32042 error for a 2025-11-25
    /// client that declares URL elicitation), else, for a tool call, as a tool error whose
    /// text carries the link; the retried call then goes through.
    private func askToConnect(_ exchange: MCPExchange, url: String, server: UpstreamServer) {
        SessionGauges.consentPrompts.increment()
        let message = "Connect your account to \(server.name) to use it: open the link, sign in and allow access, then try again."
        var w = JSONWriter()
        w.beginObject()
        w.field("code", JSONRPCErrorCode.urlElicitationRequired)
        w.field("message", "URL elicitation required: connect your account to \(server.name)")
        w.key("data")
        w.beginObject()
        w.key("elicitations")
        w.beginArray()
        w.beginObject()
        w.field("mode", "url")
        w.field("elicitationId", ConsentLinks.nonce())
        w.field("url", url)
        w.field("message", message)
        w.endObject()
        w.endArray()
        w.endObject()
        w.endObject()
        let session = exchange.session
        if session.isModern, let error = try? JSONView.parse(w.buffer), input.requireURLElicitation(error, to: exchange, method: exchange.method, from: server) {
            return
        }
        if session.declares(path: ["elicitation", "url"]) || exchange.method != MCPMethod.toolsCall {
            exchange.answer(JSONRPCEncoding.error(id: exchange.message.id!, errorObject: w.buffer), isError: true)
            return
        }
        let result = TextToolResult.make(message + " " + url, isError: true)
        exchange.answer(JSONRPCEncoding.result(id: exchange.message.id!, result: result), isError: false)
    }

    /// The results whose text a model reads, screened by `ContentGuard`.
    static let screenedResults: Set<String> = [MCPMethod.toolsCall, MCPMethod.promptsGet, MCPMethod.resourcesRead]

    /// `result` as the guards let it through (redacted, marked, or as it came), or nil when
    /// they withheld it, or hold it for a human, and `target` was answered (or will be).
    private func screen(_ result: JSONView, with content: ContentGuard, method: String, for target: MCPExchange, from server: UpstreamServer) -> ByteBuffer? {
        // The tool's own name is read only for a server with per-tool settings, or for the
        // record of a finding.
        let named = {
            method == MCPMethod.toolsCall
                ? target.notedRoute?.upstream ?? target.message.params?["name"]?.string.flatMap(self.catalogue.shownTools.route)?.upstream : nil
        }
        switch content.screen(result: result, method: method, server: server.name, tool: named) {
        case .pass:
            return result.bytes
        case .found(let findings, let replaced):
            content.flow?.saw(findings, target)
            target.noteAuditDetail("result: " + ContentGuard.summary(findings))
            logger.info("guards: findings in a result", metadata: guardMetadata(target, server: server.name, tool: named(), findings))
            return replaced ?? result.bytes
        case .blocked(var block, let findings):
            block.tool = block.tool ?? named()
            target.noteAuditDetail("result: " + ContentGuard.summary(findings))
            logger.warning("guards: result withheld", metadata: guardMetadata(target, server: server.name, tool: block.tool, findings))
            target.fail(.guardBlocked(block))
            return nil
        case .held(let findings, let release, var block):
            block.tool = block.tool ?? named()
            target.noteAuditDetail("result: " + ContentGuard.summary(findings))
            logger.info("guards: result held for release", metadata: guardMetadata(target, server: server.name, tool: block.tool, findings))
            holdForRelease(target, release: release, findings: findings, block: block, method: method, from: server)
            return nil
        }
    }

    /// The per-request envelope of 2026-07-28 (digest §2.2); a legacy server must not see it.
    static let modernMetaKeys: Set<String> = [MCPMeta.protocolVersion, MCPMeta.clientCapabilities, MCPMeta.clientInfo, MCPMeta.logLevel]

    /// The end of an upstream attempt: relayed to the client the call answers now, or kept
    /// for the retry of a client that is away answering `input_required`.
    private func complete(_ call: ForwardedCall, _ result: Result<JSONRPCMessage, any Error>, from server: UpstreamServer) {
        if case .failure(UpstreamError.cancelled) = result { return }  // the client cancelled; it expects no answer
        guard let target = call.settle(result) else { return }
        target.session.finish(call: call, id: target.message.id!)
        complete(result, to: target, method: call.method, from: server)
    }

    private func complete(_ result: Result<JSONRPCMessage, any Error>, to target: MCPExchange, method: String, from server: UpstreamServer) {
        target.mark(.firstByte)
        target.mark(.upstreamAnswered)
        // A 2026-07-28 retry finishing a held call was never routed itself.
        target.noteServer(server.name)
        switch result {
        case .success(let response):
            deliver(response, to: target, method: method, from: server)
        case .failure(UpstreamError.cancelled):
            target.abandon()
        case .failure(let error):
            target.fail(GatewayError(error))
        }
    }

    /// Relays a server's response to `target`, under that client's id and shaped for its era.
    private func deliver(_ response: JSONRPCMessage, to target: MCPExchange, method: String, from server: UpstreamServer) {
        let session = target.session
        if let result = response.result {
            if result["isError"]?.bool == true { target.noteToolError() }
            var bytes = result.bytes
            if let content, Self.screenedResults.contains(method) {
                switch screen(result, with: content, method: method, for: target, from: server) {
                case .some(let replaced): bytes = replaced
                case nil: return
                }
            }
            answerResult(bytes, to: target, method: method, from: server)
        } else if let error = response.error {
            if session.isModern, !server.speaksModernEra, error["code"]?.int == JSONRPCErrorCode.urlElicitationRequired,
                input.requireURLElicitation(error, to: target, method: method, from: server)
            {
                return
            }
            let reply = ErrorReply(relaying: error, from: server.name, id: target.message.id!, modernClient: session.isModern)
            target.answer(reply.body, isError: true, httpStatus: reply.httpStatus)
        }
    }

    /// A result as the guards let it through, shaped for the caller's era and sent.
    func answerResult(_ bytes: ByteBuffer, to target: MCPExchange, method: String, from server: UpstreamServer) {
        let session = target.session
        let modernServer = server.speaksModernEra
        var shaped = session.isModern || modernServer
            ? EraShaping.result(bytes, method: method, for: session, fromModernServer: modernServer)
            : bytes
        if session.isModern, modernServer,
            let named = TaskNaming.federate(shaped, method: method, server: server.name, owner: session, sealer: sessions.sealer)
        {
            shaped = named
        }
        if method == MCPMethod.resourcesRead, let uri = target.shownURI { shaped = Self.showingURI(uri.shown, for: uri.own, in: shaped) }
        target.answer(JSONRPCEncoding.result(id: target.message.id!, result: shaped), isError: false)
    }

    /// A read result's contents under the gateway URI the client asked for, where the server
    /// named them by its own.
    static func showingURI(_ shown: String, for own: String, in result: ByteBuffer) -> ByteBuffer {
        guard let view = try? JSONView.parse(result) else { return result }
        let edits = (view["contents"]?.elements ?? []).compactMap { item in
            item["uri"].flatMap { $0.string == own ? ($0, JSONWriter.quoted(shown)) : nil }
        }
        return edits.isEmpty ? result : JSONSplice.replacing(in: view, edits)
    }
}
