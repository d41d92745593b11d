import Synchronization
import Logging
import NIOCore
import SwitchboardCore

/// A modern server announces list changes only on a `subscriptions/listen` stream (spec digest
/// §3.1): one is kept open while the server is up, for the lists whose capabilities say
/// `listChanged`. What arrives on it is routed like a legacy server's notifications
/// (`+Inbound`), so the gateway fans it out unchanged. It has no deadline, and it is opened
/// again with back-off when it ends while the server is up.
extension UpstreamServer {
    /// The listen `notifications` filter for what the server announces; nil for nothing.
    var listenFilter: String? {
        guard let capabilities = initializeResult?["capabilities"] else { return nil }
        var members = [("tools", "toolsListChanged"), ("prompts", "promptsListChanged"), ("resources", "resourcesListChanged")]
            .filter { capabilities[$0.0]?["listChanged"]?.bool == true }
            .map { #"""# + $0.1 + #"":true"# }
        let resources = state.withLock { $0.listen.resources }
        if !resources.isEmpty, capabilities["resources"]?["subscribe"]?.bool == true {
            members.append(#""resourceSubscriptions":["# + resources.sorted().map(JSONWriter.quoted).joined(separator: ",") + "]")
        }
        guard !members.isEmpty else { return nil }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// The subscriptions changed: the open listen is replaced by one carrying them.
    func reopenListen() {
        let (current, retry) = state.withLock { s -> (Int?, Scheduled<Void>?) in
            defer {
                s.listen.id = nil
                s.listen.retry = nil
            }
            return (s.listen.id, s.listen.retry)
        }
        retry?.cancel()
        // Forgotten first, so its end is not taken for a failure to recover from.
        if let current { cancel(id: current, reason: "resource subscriptions changed") }
        openListen()
    }

    func openListen() {
        guard let filter = listenFilter else { return }
        let promise = eventLoop.makePromise(of: JSONRPCMessage.self)
        let opened = state.withLock { s -> Int? in
            guard s.phase == .ready, s.era == .modern, s.listen.id == nil else { return nil }
            let id = s.nextID
            s.nextID += 1
            s.pending[id] = Pending(
                promise: promise, observer: nil, method: MCPMethod.subscriptionsListen, deadline: .distantFuture,
                timeoutAfter: .zero, sent: true, params: nil, retried: true
            )
            s.listen.id = id
            s.listen.retry = nil
            return id
        }
        guard let id = opened else {
            promise.fail(UpstreamError.cancelled)
            return
        }
        promise.futureResult.whenComplete { result in self.listenEnded(id: id, result) }
        dispatch(
            id: id, method: MCPMethod.subscriptionsListen, params: ByteBuffer(string: #"{"notifications":"# + filter + "}"),
            meta: nil, era: .modern, defaultLogLevel: nil
        )
    }

    /// The server acknowledged the listen: it works, so the back-off starts over.
    func listenAcknowledged() {
        state.withLock { $0.listen.failures = 0 }
        logger.debug("upstream listen acknowledged")
    }

    /// The server ended the listen `id` from its side (stdio: `notifications/cancelled` for it).
    func listenCancelledByServer(id: Int) {
        guard let pending = state.withLock({ s -> Pending? in
            guard s.listen.id == id else { return nil }
            return s.pending.removeValue(forKey: id)
        }) else { return }
        pending.promise.fail(UpstreamError.unavailable(server: name, reason: "the server ended the listen stream"))
    }

    /// Whether `id` is the open listen (its notifications carry it as their subscription id).
    func isListen(_ id: Int) -> Bool { state.withLock { $0.listen.id == id } }

    private func listenEnded(id: Int, _ result: Result<JSONRPCMessage, any Error>) {
        if case .success(let message) = result, let code = message.error?["code"]?.int, code == JSONRPCErrorCode.methodNotFound {
            // Announced list changes but cannot stream them: nothing to re-open.
            state.withLock { if $0.listen.id == id { $0.listen.id = nil } }
            logger.warning("upstream announces list changes but has no subscriptions/listen")
            return
        }
        let delay = state.withLock { s -> TimeAmount? in
            guard s.listen.id == id else { return nil }  // stopped, failed or replaced meanwhile
            s.listen.id = nil
            guard s.phase == .ready, s.era == .modern else { return nil }
            s.listen.failures += 1
            let exponent = min(s.listen.failures - 1, 6)
            return .milliseconds(min(30_000, 500 << Int64(exponent)))
        }
        guard let delay else { return }
        logger.debug("upstream listen ended; re-opening", metadata: ["switchboard.retry_in_ms": "\(delay.nanoseconds / 1_000_000)"])
        let task = eventLoop.scheduleTask(in: delay) { self.openListen() }
        let current = state.withLock { s -> Bool in
            guard s.phase == .ready, s.listen.id == nil else { return false }
            s.listen.retry = task
            return true
        }
        if !current { task.cancel() }
    }
}
