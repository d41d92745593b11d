import Synchronization
import NIOCore
import Logging
package import SwitchboardCore
package import SwitchboardUpstream

extension Gateway: UpstreamEventsDelegate {
    package func upstream(_ server: UpstreamServer, sentNotification message: JSONRPCMessage) {
        guard let method = message.method else { return }
        switch method {
        case MCPMethod.toolsListChanged, MCPMethod.promptsListChanged, MCPMethod.resourcesListChanged:
            if method == MCPMethod.resourcesListChanged { resourceIndex.forget(server: server.name) }
            broadcast(JSONRPCEncoding.notification(method: method, params: nil), method: method)
        case MCPMethod.resourceUpdated:
            guard let uri = message.params?["uri"]?.string else { return }
            let targets = sessions.withLock { $0.values.filter { $0.isSubscribed(uri) } }
            for session in targets { session.sendOnStream(message.bytes, kind: .notification, method: method) }
            if let params = message.params { notifyListeners(resourceUpdated: params, uri: uri) }
        case MCPMethod.message:
            // A log not tied to a call goes to the sessions that asked for that level.
            let level = LogLevel.rank(message.params?["level"]?.string ?? "") ?? 0
            let targets = sessions.withLock { s in
                s.values.filter { session in session.logLevel.flatMap(LogLevel.rank).map { level >= $0 } ?? false }
            }
            for session in targets { session.sendOnStream(message.bytes, kind: .notification, method: method) }
        case MCPMethod.cancelled:
            // The server gave up on one of its own requests to a client.
            guard let requestID = message.params?["requestId"] else { return }
            let upstreamID = JSONRPCID(json: requestID.rawText)
            let all = sessions.withLock { Array($0.values) }
            for session in all {
                guard let id = session.forwardedID(for: upstreamID, server: server) else { continue }
                _ = session.takeForwarded(JSONRPCID(id))
                var w = JSONWriter()
                w.beginObject()
                w.field("requestId", id)
                if let reason = message.params?["reason"]?.string { w.field("reason", reason) }
                w.endObject()
                session.sendOnStream(JSONRPCEncoding.notification(method: method, params: w.buffer), kind: .notification, method: method)
            }
        default:
            logger.debug("upstream notification dropped", metadata: ["switchboard.server": "\(server.name)", "switchboard.method": "\(method)"])
        }
    }

    /// Sampling, elicitation and roots requests go to the client whose call caused them, under
    /// a gateway id; its answer returns to this server under the server's id.
    package func upstream(_ server: UpstreamServer, sentRequest message: JSONRPCMessage, observer: (any UpstreamCallObserver)?) {
        let method = message.method!
        guard let capability = Self.capability(for: method) else {
            server.respondError(to: message.id!, code: JSONRPCErrorCode.methodNotFound, message: "Method not found: \(method)")
            return
        }
        let call = observer as? CallContext
        // A 2026-07-28 client cannot be sent requests: it gets `input_required` (§4.2). That
        // includes a call whose client is away answering an earlier round.
        if let call, call.session?.isModern ?? true {
            askForInput(message, call: call, from: server)
            return
        }
        guard let session = call?.session ?? soleSession() else {
            server.respondError(to: message.id!, code: JSONRPCErrorCode.methodNotFound, message: "No client session to route \(method) to")
            return
        }
        guard session.declares(capability) else {
            server.respondError(to: message.id!, code: JSONRPCErrorCode.methodNotFound, message: "The client does not support \(method)")
            return
        }
        let id = session.forward(.init(origin: .server(server, id: message.id!), method: method))
        let outgoing = JSONRPCEncoding.request(id: JSONRPCID(id), method: method, params: Self.relayable(method: method, params: message.params))
        let delivered = call?.target.map { session.sendInterim(outgoing, via: $0.responder, kind: .request, method: method) }
            ?? session.sendOnStream(outgoing, kind: .request, method: method)
        if !delivered {
            _ = session.takeForwarded(JSONRPCID(id))
            server.respondError(to: message.id!, code: JSONRPCErrorCode.internalError, message: "The client has no open stream for \(method)")
        }
    }

    /// A server that came back may have a different catalogue: clients are told to re-list.
    package func upstreamBecameReady(_ server: UpstreamServer, restarted: Bool) {
        guard restarted else { return }
        resourceIndex.forget(server: server.name)
        let caps = server.initializeResult?["capabilities"]
        if caps?["tools"] != nil { broadcast(JSONRPCEncoding.notification(method: MCPMethod.toolsListChanged, params: nil), method: MCPMethod.toolsListChanged) }
        if caps?["prompts"] != nil { broadcast(JSONRPCEncoding.notification(method: MCPMethod.promptsListChanged, params: nil), method: MCPMethod.promptsListChanged) }
        if caps?["resources"] != nil { broadcast(JSONRPCEncoding.notification(method: MCPMethod.resourcesListChanged, params: nil), method: MCPMethod.resourcesListChanged) }
    }

    private func broadcast(_ message: ByteBuffer, method: String) {
        let all = sessions.withLock { Array($0.values) }
        for session in all { session.sendOnStream(message, kind: .notification, method: method) }
        notifyListeners(method)
    }

    /// With one client connected there is no doubt where an unattributed request belongs.
    private func soleSession() -> DownstreamSession? {
        sessions.withLock { $0.count == 1 ? $0.values.first : nil }
    }
}
