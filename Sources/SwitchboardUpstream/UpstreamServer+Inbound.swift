import Synchronization
package import NIOCore
import Logging
import SwitchboardCore

extension UpstreamServer: UpstreamTransportDelegate {
    package func upstreamTransport(received bytes: ByteBuffer, origin: UpstreamInboundOrigin) {
        // 2025-03-26 peers may send a batch: each element is handled as its own message.
        if bytes.readableBytesView.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) == UInt8(ascii: "[") {
            guard let batch = try? JSONView.parse(bytes, maxDepth: 129), batch.isArray else {
                logger.warning("unreadable batch from upstream")
                UpstreamMetrics.protocolErrors.increment(server: name)
                return
            }
            for element in batch.elements { upstreamTransport(received: element.bytes, origin: origin) }
            return
        }
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.parse(bytes, maxDepth: 128)
        } catch {
            // One bad line must not take the session down; it is logged and counted.
            logger.warning("unreadable message from upstream", metadata: ["switchboard.error": "\(error.message)"])
            UpstreamMetrics.protocolErrors.increment(server: name)
            return
        }
        switch message.kind {
        case .response, .errorResponse:
            resolve(message)
        case .request:
            if message.method == MCPMethod.ping {
                respond(to: message.id!, result: ByteBuffer(string: "{}"), error: nil)
                return
            }
            delegate?.upstream(self, sentRequest: message, observer: observer(for: origin))
        case .notification:
            routeNotification(message, origin: origin)
        }
    }

    /// A modern HTTP response stream ended without the response: the request is lost (spec
    /// digest §1.4, no resumption), so its caller hears it now rather than at its timeout.
    package func upstreamTransport(requestEnded correlation: UInt64, error: (any Error)?) {
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: Int(correlation)) }) else { return }
        logger.debug("upstream response stream ended without a response", metadata: ["switchboard.method": "\(pending.method)"])
        let reason = error.map(Self.describe) ?? "the server closed the response stream before answering"
        pending.promise.fail(UpstreamError.unavailable(server: name, reason: reason))
    }

    package func upstreamTransportClosed(error: (any Error)?) {
        let reason = error.map { "connection lost: \(Self.describe($0))" } ?? "server exited"
        let running = state.withLock { $0.phase == .ready || $0.phase == .starting }
        guard running else { return }
        failed(reason)
    }

    private func resolve(_ message: JSONRPCMessage) {
        guard let id = message.id.flatMap({ Int($0.json) }),
            let pending = state.withLock({ $0.pending.removeValue(forKey: id) })
        else {
            // Late (after a timeout or cancel) or never ours: nothing waits for it.
            logger.debug("response for no pending request", metadata: ["switchboard.id": "\(message.id?.json ?? "null")"])
            return
        }
        pending.promise.succeed(message)
    }

    private func routeNotification(_ message: JSONRPCMessage, origin: UpstreamInboundOrigin) {
        if message.method == MCPMethod.progress {
            // Our progress token is the upstream request id.
            if let token = message.params?["progressToken"], let id = token.int ?? token.string.flatMap({ Int($0) }),
                let observer = state.withLock({ $0.pending[id]?.observer })
            {
                observer.upstreamCallNotification(message, from: self)
            }
            return
        }
        if message.method == MCPMethod.message, case .postStream(let correlation) = origin,
            let observer = state.withLock({ $0.pending[Int(correlation)]?.observer })
        {
            observer.upstreamCallNotification(message, from: self)
            return
        }
        if message.method == MCPMethod.subscriptionsAcknowledged {
            listenAcknowledged()
            return
        }
        // A modern server ends a stdio listen with `notifications/cancelled` for it; that
        // cancels nothing of a client's.
        if message.method == MCPMethod.cancelled, let id = message.params?["requestId"]?.int, isListen(id) {
            listenCancelledByServer(id: id)
            return
        }
        if let method = message.method {
            let lists = ListKind.changed(by: method)
            if !lists.isEmpty { listCache.invalidate(lists) }
        }
        delegate?.upstream(self, sentNotification: message)
    }

    /// The call a server-to-client message belongs to. On a POST's own stream that is exact.
    /// On a shared stream (stdio, GET) the protocol carries no link, so it is the most recent
    /// call still waiting on this server whose client is there to be asked: exact when one
    /// call is in flight, which is the case a client waiting on an elicitation is in. A call
    /// whose client is away answering `input_required` is chosen only when no other is
    /// waiting, so a call left behind by a client that retried elsewhere does not take other
    /// clients' questions. (Several clients asking the same shared server at once can still
    /// be told apart only by separate upstream sessions per client.)
    private func observer(for origin: UpstreamInboundOrigin) -> (any UpstreamCallObserver)? {
        state.withLock { s in
            if case .postStream(let correlation) = origin, let o = s.pending[Int(correlation)]?.observer { return o }
            let waiting = s.pending.filter { $0.value.observer != nil }
            let present = waiting.filter { $0.value.observer!.clientIsPresent }
            return (present.isEmpty ? waiting : present).max { $0.key < $1.key }?.value.observer
        }
    }
}
