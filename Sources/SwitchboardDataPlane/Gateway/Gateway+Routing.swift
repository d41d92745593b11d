import Synchronization
import NIOCore
import Logging
import SwitchboardCore
package import SwitchboardUpstream
import SwitchboardPolicy

extension Gateway {
    /// tools/call and prompts/get: `{server}__{name}` picks the server; the server sees its
    /// own name.
    func routeByName(_ message: JSONRPCMessage, kind: ListKind, session: DownstreamSession, caller: RequestCaller, responder: any DownstreamResponder, on loop: any EventLoop) {
        guard let params = message.params, let nameView = params["name"], let name = nameView.string else {
            fail(message, .invalidParams("params.name is required"), session: session, responder: responder)
            return
        }
        guard let (serverName, local) = FederatedName.split(name), let server = serversByName[serverName] else {
            fail(message, kind == .tools ? .unknownTool(name) : .unknownPrompt(name), session: session, responder: responder)
            return
        }
        var ticket: QuotaTicket?
        if kind == .tools {
            switch admitToolCall(message, name: name, server: serverName, session: session, caller: caller.principal) {
            case .success(let admitted): ticket = admitted
            case .failure(let error):
                fail(message, error, session: session, responder: responder)
                return
            }
        } else if !governance.current.virtualServers.includesPrompt(name, in: session.virtualServer) {
            fail(message, .unknownPrompt(name), session: session, responder: responder)
            return
        }
        forward(message, to: server, edits: [(nameView, JSONWriter.quoted(local))], session: session, caller: caller, responder: responder, on: loop, ticket: ticket)
    }

    /// resources/read, subscribe, unsubscribe: URIs are not rewritten; the index built from
    /// the relayed lists says which server owns one.
    func routeByURI(_ message: JSONRPCMessage, session: DownstreamSession, caller: RequestCaller, responder: any DownstreamResponder, on loop: any EventLoop) {
        guard let uri = message.params?["uri"]?.string else {
            fail(message, .invalidParams("params.uri is required"), session: session, responder: responder)
            return
        }
        guard governance.current.virtualServers.includesResource(uri: uri, in: session.virtualServer) else {
            fail(message, .resourceNotFound(uri), session: session, responder: responder)
            return
        }
        resolveOwner(of: uri, on: loop).whenSuccess { server in
            guard let server else {
                self.fail(message, .resourceNotFound(uri), session: session, responder: responder)
                return
            }
            switch message.method {
            case MCPMethod.resourcesSubscribe:
                session.subscribe(uri)
            case MCPMethod.resourcesUnsubscribe:
                session.unsubscribe(uri)
                // Other sessions may still want updates for this URI from the shared upstream.
                if self.isWanted(uri) {
                    self.reply(message, result: ByteBuffer(string: "{}"), session: session, responder: responder)
                    return
                }
            default:
                break
            }
            self.forward(message, to: server, edits: [], session: session, caller: caller, responder: responder, on: loop)
        }
    }

    /// tasks/get, tasks/update, tasks/cancel (the 2026-07-28 tasks extension, digest §4.5): the
    /// task id the client holds is `{server}__{id}`, as the gateway named it when the task
    /// was created; the server sees its own id.
    func routeTask(_ message: JSONRPCMessage, session: DownstreamSession, caller: RequestCaller, responder: any DownstreamResponder, on loop: any EventLoop) {
        guard let idView = message.params?["taskId"], let id = idView.string, let (serverName, named) = FederatedName.split(id),
            let server = serversByName[serverName], let local = TaskNaming.localID(named, server: serverName, owner: session, sealer: sealer)
        else {
            // Another caller's task is unknown to this one, exactly like a task that never was.
            fail(message, .invalidParams("unknown taskId"), session: session, responder: responder)
            return
        }
        forward(message, to: server, edits: [(idView, JSONWriter.quoted(local))], session: session, caller: caller, responder: responder, on: loop)
    }

    /// completion/complete: a prompt reference is routed like prompts/get, a resource
    /// reference like resources/read.
    func routeCompletion(_ message: JSONRPCMessage, session: DownstreamSession, caller: RequestCaller, responder: any DownstreamResponder, on loop: any EventLoop) {
        guard let ref = message.params?["ref"], let type = ref["type"]?.string else {
            fail(message, .invalidParams("params.ref is required"), session: session, responder: responder)
            return
        }
        switch type {
        case "ref/prompt":
            guard let nameView = ref["name"], let name = nameView.string,
                let (serverName, local) = FederatedName.split(name), let server = serversByName[serverName],
                governance.current.virtualServers.includesPrompt(name, in: session.virtualServer)
            else {
                fail(message, .unknownPrompt(ref["name"]?.string ?? ""), session: session, responder: responder)
                return
            }
            forward(message, to: server, edits: [(nameView, JSONWriter.quoted(local))], session: session, caller: caller, responder: responder, on: loop)
        case "ref/resource":
            guard let uri = ref["uri"]?.string else {
                fail(message, .invalidParams("ref.uri is required"), session: session, responder: responder)
                return
            }
            guard governance.current.virtualServers.includesResource(uri: uri, in: session.virtualServer) else {
                fail(message, .resourceNotFound(uri), session: session, responder: responder)
                return
            }
            resolveOwner(of: uri, on: loop).whenSuccess { server in
                guard let server else {
                    self.fail(message, .resourceNotFound(uri), session: session, responder: responder)
                    return
                }
                self.forward(message, to: server, edits: [], session: session, caller: caller, responder: responder, on: loop)
            }
        default:
            fail(message, .invalidParams("unknown ref type \(type)"), session: session, responder: responder)
        }
    }

    /// The owner of `uri`; the first time, the index is filled from every server's lists. A
    /// single server offering resources owns every URI it did not list (servers may serve
    /// URIs they never list).
    func resolveOwner(of uri: String, on loop: any EventLoop) -> EventLoopFuture<UpstreamServer?> {
        if let name = resourceIndex.owner(of: uri) { return loop.makeSucceededFuture(serversByName[name]) }
        let candidates = servers.filter { offers(.resources, $0) }
        let refresh: EventLoopFuture<Void>
        if resourceIndex.isPopulated {
            refresh = loop.makeSucceededVoidFuture()
        } else {
            // The first pages of both lists, merged as for a client, record their owners.
            refresh = listPage(.resources, cursor: nil, on: loop).and(listPage(.resourceTemplates, cursor: nil, on: loop))
                .map { _ in }
        }
        return refresh.map {
            if let name = self.resourceIndex.owner(of: uri) { return self.serversByName[name] }
            return candidates.count == 1 ? candidates[0] : nil
        }
    }

    /// Sends a client request to `server` with `edits` applied to its params and the progress
    /// token swapped for ours, and relays the answer under the client's id. A 2026-07-28 retry
    /// that carries this gateway's sealed `requestState` resumes its held call instead.
    func forward(
        _ message: JSONRPCMessage,
        to server: UpstreamServer,
        edits: [(target: JSONView, json: String)],
        session: DownstreamSession,
        caller: RequestCaller,
        responder: any DownstreamResponder,
        on loop: any EventLoop,
        prefilled: [String: ByteBuffer] = [:],
        ticket: QuotaTicket? = nil
    ) {
        guard session.inFlightCount < config.limits.maxConcurrentRequestsPerSession else {
            ticket?.release()
            fail(message, .overloaded("more than \(config.limits.maxConcurrentRequestsPerSession) requests in flight in this session"), session: session, responder: responder)
            return
        }
        if session.isModern, prefilled.isEmpty, resumeHeldCall(message, to: server, session: session, caller: caller, responder: responder, on: loop) {
            // The held call keeps the slot it took when it started.
            ticket?.release()
            return
        }
        let call = CallContext(
            session: session, downstreamID: message.id!, method: message.method!,
            // Only a 2026-07-28 retry needs the name repeated; legacy calls skip the lookup.
            name: session.isModern ? ModernRequest.nameKey(for: message.method!).flatMap { message.params?[$0]?.string } : nil,
            progressToken: message.progressToken?.rawText,
            responder: responder, caller: caller, prefilled: prefilled, params: session.isModern ? message.params : nil, ticket: ticket
        )
        session.register(call: call, id: message.id!)
        send(call, params: message.params, edits: edits, to: server, on: loop)
    }

    /// One upstream attempt of `call`: `members` (raw JSON by key) are set in the params on
    /// top of `edits`, for retries that carry `inputResponses` and `requestState`.
    func send(
        _ call: CallContext,
        params: JSONView?,
        edits: [(target: JSONView, json: String)],
        members: [(String, String)] = [],
        to server: UpstreamServer,
        on loop: any EventLoop,
        round: Int = 0
    ) {
        let metaView = params?["_meta"]
        let clientToken = metaView?["progressToken"]
        let modernServer = server.speaksModernEra
        // A legacy server refuses requests that carry the 2026-07-28 envelope: `_meta` goes
        // without it (rebuilt from the small `_meta` alone, the rest of params untouched).
        let strippedMeta = call.session?.isModern == true && !modernServer ? metaView.flatMap { JSONSplice.removing(Self.modernMetaKeys, from: $0) } : nil
        // A 2026-07-28 server is told, per request, what the client can answer (§4.3).
        var meta = modernServer ? call.session.map { UpstreamRequestMeta(clientCapabilities: $0.bridgeableCapabilities, logLevel: $0.logLevel) } : nil
        if server.config.credentials?.usesCallerToken == true {
            // A meta marks the request as made for a caller: without a token it is refused.
            meta = meta ?? UpstreamRequestMeta()
            meta?.callerToken = callerToken(for: call.caller, to: server)
            meta?.callerID = call.caller.principal.id
        }
        let (upstreamID, future) = server.request(method: call.method, observer: call, on: loop, meta: meta) { id in
            guard let params else { return nil }
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
            return bytes
        }
        call.bind(server: server, id: upstreamID)
        future.whenComplete { result in
            if case .success(let response) = result, modernServer, let answer = response.result,
                answer["resultType"]?.string == "input_required", let session = call.session, !session.isModern
            {
                // A 2026-07-28 server asks a legacy client for input: ask it for real, then retry.
                self.gatherInput(answer, for: call, from: server, params: params, edits: edits, round: round, on: loop)
                return
            }
            self.complete(call, result, from: server)
        }
    }

    /// The per-request envelope of 2026-07-28 (digest §2.2); a legacy server must not see it.
    static let modernMetaKeys: Set<String> = [MCPMeta.protocolVersion, MCPMeta.clientCapabilities, MCPMeta.clientInfo, MCPMeta.logLevel]

    /// The end of an upstream attempt: relayed to the client the call answers now, or kept
    /// for the retry of a client that is away answering `input_required`.
    func complete(_ call: CallContext, _ result: Result<JSONRPCMessage, any Error>, from server: UpstreamServer) {
        if case .failure(UpstreamError.cancelled) = result { return }  // the client cancelled; it expects no answer
        guard let target = call.settle(result) else { return }
        target.session.finish(call: call, id: target.downstreamID)
        complete(result, to: target, method: call.method, from: server)
    }

    func complete(_ result: Result<JSONRPCMessage, any Error>, to target: CallContext.Target, method: String, from server: UpstreamServer) {
        switch result {
        case .success(let response):
            deliver(response, to: target, method: method, from: server)
        case .failure(UpstreamError.cancelled):
            target.responder.abandon()
        case .failure(let error):
            answer(target, method: method, with: GatewayError(error))
        }
    }
}
