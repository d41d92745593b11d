import Synchronization
import NIOCore
import Logging
import SwitchboardCore

extension Gateway {
    /// tools/call and prompts/get: `{server}__{name}` picks the server; the server sees its
    /// own name.
    func routeByName(_ message: JSONRPCMessage, kind: ListKind, session: DownstreamSession, responder: any DownstreamResponder, on loop: any EventLoop) {
        guard let params = message.params, let nameView = params["name"], let name = nameView.string else {
            fail(message, .invalidParams("params.name is required"), session: session, responder: responder)
            return
        }
        guard let (serverName, local) = FederatedName.split(name), let server = serversByName[serverName] else {
            fail(message, kind == .tools ? .unknownTool(name) : .unknownPrompt(name), session: session, responder: responder)
            return
        }
        forward(message, to: server, edits: [(nameView, JSONWriter.quoted(local))], session: session, responder: responder, on: loop)
    }

    /// resources/read, subscribe, unsubscribe: URIs are not rewritten; the index built from
    /// the relayed lists says which server owns one.
    func routeByURI(_ message: JSONRPCMessage, session: DownstreamSession, responder: any DownstreamResponder, on loop: any EventLoop) {
        guard let uri = message.params?["uri"]?.string else {
            fail(message, .invalidParams("params.uri is required"), session: session, responder: responder)
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
                let stillWanted = self.sessions.withLock { $0.values.contains { $0.isSubscribed(uri) } }
                if stillWanted {
                    self.reply(message, result: ByteBuffer(string: "{}"), session: session, responder: responder)
                    return
                }
            default:
                break
            }
            self.forward(message, to: server, edits: [], session: session, responder: responder, on: loop)
        }
    }

    /// completion/complete: a prompt reference is routed like prompts/get, a resource
    /// reference like resources/read.
    func routeCompletion(_ message: JSONRPCMessage, session: DownstreamSession, responder: any DownstreamResponder, on loop: any EventLoop) {
        guard let ref = message.params?["ref"], let type = ref["type"]?.string else {
            fail(message, .invalidParams("params.ref is required"), session: session, responder: responder)
            return
        }
        switch type {
        case "ref/prompt":
            guard let nameView = ref["name"], let name = nameView.string,
                let (serverName, local) = FederatedName.split(name), let server = serversByName[serverName]
            else {
                fail(message, .unknownPrompt(ref["name"]?.string ?? ""), session: session, responder: responder)
                return
            }
            forward(message, to: server, edits: [(nameView, JSONWriter.quoted(local))], session: session, responder: responder, on: loop)
        case "ref/resource":
            guard let uri = ref["uri"]?.string else {
                fail(message, .invalidParams("ref.uri is required"), session: session, responder: responder)
                return
            }
            resolveOwner(of: uri, on: loop).whenSuccess { server in
                guard let server else {
                    self.fail(message, .resourceNotFound(uri), session: session, responder: responder)
                    return
                }
                self.forward(message, to: server, edits: [], session: session, responder: responder, on: loop)
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
    /// token swapped for ours, and relays the answer under the client's id.
    func forward(
        _ message: JSONRPCMessage,
        to server: UpstreamServer,
        edits: [(target: JSONView, json: String)],
        session: DownstreamSession,
        responder: any DownstreamResponder,
        on loop: any EventLoop
    ) {
        guard session.inFlightCount < config.limits.maxConcurrentRequestsPerSession else {
            fail(message, .overloaded("more than \(config.limits.maxConcurrentRequestsPerSession) requests in flight in this session"), session: session, responder: responder)
            return
        }
        let method = message.method!
        let clientToken = message.progressToken
        let call = CallContext(session: session, downstreamID: message.id!, method: method, progressToken: clientToken?.rawText, responder: responder)
        session.register(call: call)
        let params = message.params
        let (upstreamID, future) = server.request(method: method, observer: call, on: loop) { id in
            guard let params else { return nil }
            var all = edits
            if let clientToken { all.append((clientToken, String(id))) }
            return all.isEmpty ? params.bytes : JSONSplice.replacing(in: params, all)
        }
        call.bind(server: server, id: upstreamID)
        future.whenComplete { result in
            session.finish(call: call)
            switch result {
            case .success(let response):
                if let result = response.result {
                    session.sendFinal(JSONRPCEncoding.result(id: message.id!, result: result.bytes), via: responder, method: method, isError: false)
                } else {
                    session.sendFinal(JSONRPCEncoding.error(id: message.id!, errorObject: response.error!.bytes), via: responder, method: method, isError: true)
                }
            case .failure(UpstreamError.cancelled):
                break  // the client cancelled; it expects no answer
            case .failure(let error):
                self.fail(message, GatewayError(error), session: session, responder: responder)
            }
        }
    }
}
