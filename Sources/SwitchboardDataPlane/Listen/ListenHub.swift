import NIOCore
import Logging
import SwitchboardCore
import SwitchboardUpstream

/// Where changes reach clients. Legacy sessions get list changes, resource updates, logs and
/// cancellations on their session stream. 2026-07-28 clients open `subscriptions/listen`
/// (spec digest §3.1): the gateway acknowledges the subset it can honour, then sends each
/// opted-in change notification, whichever era the server it came from, tagged with the
/// listen request's id; the stream stays open until the client closes it or the gateway
/// shuts down.
package final class ListenHub: Sendable {
    /// Each URI may cost an upstream subscription: a listen names a bounded number.
    static let maxResourceSubscriptions = 256

    private let listeners = ListenRegistry()
    private let sessions: SessionRegistry
    private let catalogue: Catalogue
    /// `sessions.keepalive`: comments on listen streams that idle.
    private let keepAlive: TimeAmount
    private let logger: Logger

    init(sessions: SessionRegistry, catalogue: Catalogue, keepAlive: TimeAmount, logger: Logger) {
        self.sessions = sessions
        self.catalogue = catalogue
        self.keepAlive = keepAlive
        self.logger = logger
    }

    private var servers: UpstreamServers { catalogue.servers }

    // MARK: subscriptions/listen

    /// Opens a listen stream for the 2026-07-28 request `exchange`.
    func open(_ exchange: MCPExchange) {
        guard let filter = exchange.message.params?["notifications"], filter.isObject else {
            exchange.fail(.invalidParams("params.notifications is required"))
            return
        }
        servers.settled(within: .seconds(3), on: exchange.loop).whenComplete { _ in
            let union = self.catalogue.capabilities
            let requested = filter["resourceSubscriptions"]?.elements ?? []
            guard requested.count <= Self.maxResourceSubscriptions else {
                exchange.fail(.invalidParams("at most \(Self.maxResourceSubscriptions) resourceSubscriptions per listen"))
                return
            }
            let uris = union.subscribe ? Set(requested.compactMap(\.string)) : []
            let listener = ListenRegistry.Listener(
                exchange: exchange,
                subscriptionID: exchange.message.id!.json,
                toolsListChanged: union.tools && filter["toolsListChanged"]?.bool == true,
                promptsListChanged: union.prompts && filter["promptsListChanged"]?.bool == true,
                resourcesListChanged: union.resources && filter["resourcesListChanged"]?.bool == true,
                resourceURIs: uris
            )
            guard exchange.sendInterim(Self.acknowledgement(listener), kind: .notification, method: MCPMethod.subscriptionsAcknowledged) else {
                exchange.fail(.invalidParams("subscriptions/listen needs a text/event-stream response (Accept)"))
                return
            }
            exchange.keepAlive(every: self.keepAlive)
            self.listeners.add(listener)
            // The stream ends when its client closes it: its upstream subscriptions go with it.
            exchange.whenEnded {
                if let ended = self.listeners.remove(exchange) { self.release([ended]) }
            }
            for uri in uris { self.subscribeUpstream(uri, on: exchange.loop) }
            self.logger.debug("listen stream opened", metadata: ["switchboard.listeners": "\(self.listeners.count)"])
        }
    }

    /// `notifications/subscriptions/acknowledged`: what the listen will carry.
    private static func acknowledgement(_ listener: ListenRegistry.Listener) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.key("notifications")
        w.beginObject()
        if listener.toolsListChanged { w.field("toolsListChanged", true) }
        if listener.promptsListChanged { w.field("promptsListChanged", true) }
        if listener.resourcesListChanged { w.field("resourcesListChanged", true) }
        if !listener.resourceURIs.isEmpty {
            w.key("resourceSubscriptions")
            w.beginArray()
            for uri in listener.resourceURIs.sorted() { w.string(uri) }
            w.endArray()
        }
        w.endObject()
        w.field("_meta", raw: subscriptionMeta(listener.subscriptionID))
        w.endObject()
        return JSONRPCEncoding.notification(method: MCPMethod.subscriptionsAcknowledged, params: w.buffer)
    }

    /// Ends every listen stream gracefully: a result carrying its `subscriptionId`.
    func endAll() {
        for listener in listeners.removeAll() {
            let result = ByteBuffer(string: #"{"resultType":"complete","_meta":"# + Self.subscriptionMeta(listener.subscriptionID) + "}")
            let id = JSONRPCID(json: listener.subscriptionID)
            listener.exchange.answer(JSONRPCEncoding.result(id: id, result: result), isError: false)
        }
    }

    // MARK: Fan-out

    /// A list changed: every legacy session, and every listener that opted into it.
    func broadcast(listChanged method: String) {
        let message = JSONRPCEncoding.notification(method: method, params: nil)
        for session in sessions.all { session.sendOnStream(message, kind: .notification, method: method) }
        let (open, gone) = listeners.live()
        release(gone)
        for listener in open where listener.wants(method) {
            var w = JSONWriter()
            w.beginObject()
            w.field("_meta", raw: Self.subscriptionMeta(listener.subscriptionID))
            w.endObject()
            let tagged = JSONRPCEncoding.notification(method: method, params: w.buffer)
            listener.exchange.sendInterim(tagged, kind: .notification, method: method)
        }
    }

    /// `notifications/resources/updated` from `server`: the legacy sessions and the listeners
    /// subscribed to its URI, each under the URI it subscribed with (the plain one, or the
    /// gateway URI of this server's copy of a shared one).
    func resourceUpdated(_ message: JSONRPCMessage, from server: String) {
        guard let params = message.params, let uriView = params["uri"], let uri = uriView.string else { return }
        let gatewayURI = GatewayURI.make(server: server, uri: uri)
        var asGatewayURI: ByteBuffer?
        func body(for subscribed: String) -> ByteBuffer {
            guard subscribed != uri else { return params.bytes }
            if asGatewayURI == nil { asGatewayURI = JSONSplice.replacing(in: params, [(uriView, JSONWriter.quoted(gatewayURI))]) }
            return asGatewayURI!
        }
        for candidate in [uri, gatewayURI] {
            let subscribers = sessions.all.filter { $0.isSubscribed(candidate) }
            guard !subscribers.isEmpty else { continue }
            let notification = candidate == uri ? message.bytes : JSONRPCEncoding.notification(method: MCPMethod.resourceUpdated, params: body(for: candidate))
            for session in subscribers { session.sendOnStream(notification, kind: .notification, method: MCPMethod.resourceUpdated) }
        }
        let (open, gone) = listeners.live()
        release(gone)
        for listener in open {
            for candidate in [uri, gatewayURI] where listener.resourceURIs.contains(candidate) {
                guard let shown = try? JSONView.parse(body(for: candidate)) else { continue }
                let tagged = JSONSplice.setting("_meta", to: Self.subscriptionMeta(listener.subscriptionID), in: shown)
                let notification = JSONRPCEncoding.notification(method: MCPMethod.resourceUpdated, params: tagged)
                listener.exchange.sendInterim(notification, kind: .notification, method: MCPMethod.resourceUpdated)
            }
        }
    }

    /// A log a server sent without tying it to a call: the legacy sessions that asked for
    /// that level.
    func log(_ message: JSONRPCMessage) {
        let level = LogLevel.rank(message.params?["level"]?.string ?? "") ?? 0
        for session in sessions.all where session.logLevel.flatMap(LogLevel.rank).map({ level >= $0 }) ?? false {
            session.sendOnStream(message.bytes, kind: .notification, method: MCPMethod.message)
        }
    }

    /// A server gave up on one of its own requests to a client: the client that got it (under
    /// the gateway's id) is told so.
    func serverCancelled(_ message: JSONRPCMessage, by server: UpstreamServer) {
        guard let requestID = message.params?["requestId"] else { return }
        let upstreamID = JSONRPCID(json: requestID.rawText)
        for session in sessions.all {
            guard let id = session.forwardedID(for: upstreamID, server: server) else { continue }
            _ = session.takeForwarded(JSONRPCID(id))
            var w = JSONWriter()
            w.beginObject()
            w.field("requestId", id)
            if let reason = message.params?["reason"]?.string { w.field("reason", reason) }
            w.endObject()
            session.sendOnStream(JSONRPCEncoding.notification(method: MCPMethod.cancelled, params: w.buffer), kind: .notification, method: MCPMethod.cancelled)
        }
    }

    // MARK: Resource subscriptions

    /// Whether any legacy session or listener still wants updates of `uri`.
    func isWanted(_ uri: String) -> Bool {
        listeners.isSubscribed(uri) || sessions.anySubscribed(to: uri)
    }

    /// Whether anyone still wants updates of `own` from `server`, under its plain URI or its
    /// gateway URI: both forms share the one upstream subscription.
    func isWanted(_ own: String, from server: String) -> Bool {
        isWanted(own) || isWanted(GatewayURI.make(server: server, uri: own))
    }

    /// Listeners whose client left: their resource subscriptions upstream end when nobody
    /// else wants them.
    private func release(_ gone: [ListenRegistry.Listener]) {
        for uri in Set(gone.flatMap(\.resourceURIs)) {
            guard let found = catalogue.resourceIndex.owner(of: uri), !isWanted(found.uri, from: found.server),
                let server = servers.named(found.server)
            else { continue }
            _ = server.request(method: MCPMethod.resourcesUnsubscribe, observer: nil, on: server.eventLoop) { _ in
                ByteBuffer(string: #"{"uri":"# + JSONWriter.quoted(found.uri) + "}")
            }
        }
    }

    private func subscribeUpstream(_ uri: String, on loop: any EventLoop) {
        catalogue.owner(of: uri, on: loop).whenSuccess { found in
            guard let (server, own) = found, server.initializeResult?["capabilities"]?["resources"]?["subscribe"]?.bool == true else { return }
            _ = server.request(method: MCPMethod.resourcesSubscribe, observer: nil, on: loop) { _ in
                ByteBuffer(string: #"{"uri":"# + JSONWriter.quoted(own) + "}")
            }
        }
    }

    static func subscriptionMeta(_ id: String) -> String {
        #"{""# + MCPMeta.subscriptionID + #"":"# + id + "}"
    }
}
