import SwitchboardUpstream
import Synchronization
import Logging
import NIOCore
import SwitchboardCore

/// `subscriptions/listen` for 2026-07-28 clients (spec digest §3.1): the gateway acknowledges
/// the subset it can honour, then sends each opted-in change notification, whichever era the
/// server it came from, tagged with the listen request's id. The stream stays open until the
/// client closes it or the gateway shuts down.
extension Gateway {
    /// Each URI may cost an upstream subscription: a listen names a bounded number.
    static let maxResourceSubscriptions = 256

    func listen(_ message: JSONRPCMessage, session: DownstreamSession, responder: any DownstreamResponder, on loop: any EventLoop) {
        guard let filter = message.params?["notifications"], filter.isObject else {
            fail(message, .invalidParams("params.notifications is required"), session: session, responder: responder)
            return
        }
        settled(within: .seconds(3), on: loop).whenComplete { _ in
            let union = CapabilityUnion(self.servers)
            let requested = filter["resourceSubscriptions"]?.elements ?? []
            guard requested.count <= Self.maxResourceSubscriptions else {
                self.fail(message, .invalidParams("at most \(Self.maxResourceSubscriptions) resourceSubscriptions per listen"), session: session, responder: responder)
                return
            }
            let uris = union.subscribe ? Set(requested.compactMap(\.string)) : []
            let listener = ListenRegistry.Listener(
                session: session,
                responder: responder,
                subscriptionID: message.id!.json,
                toolsListChanged: union.tools && filter["toolsListChanged"]?.bool == true,
                promptsListChanged: union.prompts && filter["promptsListChanged"]?.bool == true,
                resourcesListChanged: union.resources && filter["resourcesListChanged"]?.bool == true,
                resourceURIs: uris
            )
            var w = JSONWriter()
            w.beginObject()
            w.key("notifications")
            w.beginObject()
            if listener.toolsListChanged { w.field("toolsListChanged", true) }
            if listener.promptsListChanged { w.field("promptsListChanged", true) }
            if listener.resourcesListChanged { w.field("resourcesListChanged", true) }
            if !uris.isEmpty {
                w.key("resourceSubscriptions")
                w.beginArray()
                for uri in uris.sorted() { w.string(uri) }
                w.endArray()
            }
            w.endObject()
            w.field("_meta", raw: Self.subscriptionMeta(listener.subscriptionID))
            w.endObject()
            let ack = JSONRPCEncoding.notification(method: MCPMethod.subscriptionsAcknowledged, params: w.buffer)
            guard session.sendInterim(ack, via: responder, kind: .notification, method: MCPMethod.subscriptionsAcknowledged) else {
                self.fail(message, .invalidParams("subscriptions/listen needs a text/event-stream response (Accept)"), session: session, responder: responder)
                return
            }
            responder.keepAlive(every: self.config.sessions.keepAlive.timeAmount)
            self.listeners.add(listener)
            for uri in uris { self.subscribeUpstream(uri, on: loop) }
            self.logger.debug("listen stream opened", metadata: ["switchboard.listeners": "\(self.listeners.count)"])
        }
    }

    /// A change notification to every listener that opted into it.
    func notifyListeners(_ method: String) {
        let (open, gone) = listeners.live()
        release(gone)
        for listener in open where listener.wants(method) {
            var w = JSONWriter()
            w.beginObject()
            w.field("_meta", raw: Self.subscriptionMeta(listener.subscriptionID))
            w.endObject()
            let message = JSONRPCEncoding.notification(method: method, params: w.buffer)
            listener.session.sendInterim(message, via: listener.responder, kind: .notification, method: method)
        }
    }

    /// `notifications/resources/updated` to the listeners subscribed to its URI.
    func notifyListeners(resourceUpdated params: JSONView, uri: String) {
        let (open, gone) = listeners.live()
        release(gone)
        for listener in open where listener.resourceURIs.contains(uri) {
            let tagged = JSONSplice.setting("_meta", to: Self.subscriptionMeta(listener.subscriptionID), in: params)
            let message = JSONRPCEncoding.notification(method: MCPMethod.resourceUpdated, params: tagged)
            listener.session.sendInterim(message, via: listener.responder, kind: .notification, method: MCPMethod.resourceUpdated)
        }
    }

    /// Ends every listen stream gracefully: a result carrying its `subscriptionId`.
    func endListeners() {
        for listener in listeners.removeAll() {
            let result = ByteBuffer(string: #"{"resultType":"complete","_meta":"# + Self.subscriptionMeta(listener.subscriptionID) + "}")
            let id = JSONRPCID(json: listener.subscriptionID)
            listener.session.sendFinal(JSONRPCEncoding.result(id: id, result: result), via: listener.responder, method: MCPMethod.subscriptionsListen, isError: false)
        }
    }

    /// Listeners whose client left: their resource subscriptions upstream end when nobody
    /// else wants them.
    func release(_ gone: [ListenRegistry.Listener]) {
        for uri in Set(gone.flatMap(\.resourceURIs)) where !isWanted(uri) {
            guard let name = resourceIndex.owner(of: uri), let server = serversByName[name] else { continue }
            _ = server.request(method: MCPMethod.resourcesUnsubscribe, observer: nil, on: eventLoop) { _ in
                ByteBuffer(string: #"{"uri":"# + JSONWriter.quoted(uri) + "}")
            }
        }
    }

    /// Whether any legacy session or listener still wants updates of `uri`.
    func isWanted(_ uri: String) -> Bool {
        listeners.isSubscribed(uri) || sessions.withLock { $0.values.contains { $0.isSubscribed(uri) } }
    }

    private func subscribeUpstream(_ uri: String, on loop: any EventLoop) {
        resolveOwner(of: uri, on: loop).whenSuccess { server in
            guard let server, server.initializeResult?["capabilities"]?["resources"]?["subscribe"]?.bool == true else { return }
            _ = server.request(method: MCPMethod.resourcesSubscribe, observer: nil, on: loop) { _ in
                ByteBuffer(string: #"{"uri":"# + JSONWriter.quoted(uri) + "}")
            }
        }
    }

    static func subscriptionMeta(_ id: String) -> String {
        #"{""# + MCPMeta.subscriptionID + #"":"# + id + "}"
    }
}
