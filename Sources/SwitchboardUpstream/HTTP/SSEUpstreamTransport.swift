package import Logging
package import NIOCore
import NIOHTTP1
package import SwitchboardCore
package import SwitchboardOutbound
import Synchronization

/// The gateway as a client of the 2024-11-05 HTTP+SSE transport (spec digest §1.2). `connect`
/// opens the GET event stream on a connection of its own and waits, within the connect
/// timeout, for the `endpoint` event naming the POST target, which must stay on the server's
/// origin. Every later `message` event, responses included, is reported as `.sharedStream`;
/// `send` POSTs on pooled connections and expects a 2xx (SDKs answer 202).
///
/// All delegate calls happen on `eventLoop`. Losing the event stream after `connect`
/// succeeded is reported once through `upstreamTransportClosed`; the owner may `connect` again.
package final class SSEUpstreamTransport: UpstreamTransport, UpstreamHTTPTargeted {
    enum Phase {
        case idle
        case connecting(EventLoopPromise<Void>, timeout: Scheduled<Void>?)
        case connected(postTarget: HTTPEndpoint)
        /// The stream was lost after connecting; `connect` may be called again.
        case lost
        case closed
    }

    struct State {
        var delegate: (any UpstreamTransportDelegate)?
        var phase = Phase.idle
        var stream: UpstreamHTTPStream?
        /// Bumped per `connect`, so callbacks of an older stream are ignored.
        var generation: UInt64 = 0
    }

    /// The server; its `endpoint` is the SSE (GET) endpoint.
    let target: UpstreamHTTPTarget
    package let eventLoop: any EventLoop
    let client: UpstreamHTTPClient
    let state = Mutex(State())

    package init(
        serverName: String,
        endpoint: HTTPEndpoint,
        route: OutboundRoute? = nil,
        headers: [HTTPHeaderField] = [],
        credentials: UpstreamCredentialProvider? = nil,
        timeouts: ServerTimeouts = .init(),
        maxMessageBytes: Int,
        maxConnections: Int,
        eventLoop: any EventLoop,
        logger: Logger
    ) {
        let target = UpstreamHTTPTarget(
            serverName: serverName, endpoint: endpoint, route: route, headers: headers, credentials: credentials, timeouts: timeouts, maxMessageBytes: maxMessageBytes,
            logger: logger
        )
        self.target = target
        self.eventLoop = eventLoop
        self.client = UpstreamHTTPClient(
            configuration: target.clientConfiguration(maxConnections: maxConnections, queueTimeout: timeouts.request), eventLoop: eventLoop,
            logger: target.logger
        )
    }

    /// Where messages are POSTed, once the `endpoint` event named it.
    package var postEndpoint: HTTPEndpoint? {
        state.withLock { state in
            if case .connected(let target) = state.phase { return target }
            return nil
        }
    }

    package func setDelegate(_ delegate: any UpstreamTransportDelegate) {
        state.withLock { $0.delegate = delegate }
    }

    package func connect() -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        let generation = state.withLock { state -> UInt64? in
            switch state.phase {
            case .idle, .lost:
                state.generation &+= 1
                state.phase = .connecting(promise, timeout: nil)
                return state.generation
            case .connecting, .connected, .closed:
                return nil
            }
        }
        guard let generation else {
            promise.fail(UpstreamTransportError.protocolViolation("transport is connecting, connected or closed"))
            return promise.futureResult
        }

        let timeout = eventLoop.scheduleTask(in: TimeAmount(timeouts.connect)) {
            self.connectFailed(generation: generation, error: UpstreamTransportError.timeout("waiting for the endpoint event"))
        }
        guard let credentials else {
            openEventStream(generation: generation, timeout: timeout, credentialHeaders: nil)
            return promise.futureResult
        }
        credentials.withHeaders(callerToken: nil, on: eventLoop) { credentialHeaders in
            self.openEventStream(generation: generation, timeout: timeout, credentialHeaders: credentialHeaders)
            // A refused token is dropped, so the restart that follows fetches a new one.
            promise.futureResult.whenFailure { error in
                if case UpstreamTransportError.httpStatus(401, _)? = error as? UpstreamTransportError {
                    credentials.unauthorized(sent: credentialHeaders)
                }
            }
        } failed: { error in
            timeout.cancel()
            self.connectFailed(generation: generation, error: error)
        }
        return promise.futureResult
    }

    /// Opens the GET event stream of a `connect`, once its credentials are known.
    private func openEventStream(generation: UInt64, timeout: Scheduled<Void>, credentialHeaders: HTTPHeaders?) {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: UpstreamHTTPHeaders.eventStream)
        let request = target.request(.GET, headers: headers, credentialHeaders: credentialHeaders, readTimeout: nil)
        let stream = client.openStream(request, delegate: SSEUpstreamEventStreamResponse(transport: self, generation: generation))
        // Off the event loop, the stream may already have connected, or failed, by now.
        let recorded = state.withLock { state -> (stream: Bool, timeout: Bool) in
            guard state.generation == generation else { return (false, false) }
            switch state.phase {
            case .connecting(let promise, _):
                state.phase = .connecting(promise, timeout: timeout)
                state.stream = stream
                return (true, true)
            case .connected:
                state.stream = stream
                return (true, false)
            case .idle, .lost, .closed:
                return (false, false)
            }
        }
        if !recorded.timeout { timeout.cancel() }
        if !recorded.stream { stream.cancel() }
    }

    package func send(_ message: ByteBuffer, correlation: UInt64?) -> EventLoopFuture<Void> {
        send(message, correlation: correlation, traceParent: nil)
    }

    /// A request with its trace context also as the `traceparent` header.
    package func sendRequest(_ message: ByteBuffer, correlation: UInt64, routing: UpstreamRequestRouting) -> EventLoopFuture<Void> {
        send(message, correlation: correlation, traceParent: routing.traceParent)
    }

    private func send(_ message: ByteBuffer, correlation: UInt64?, traceParent: String?) -> EventLoopFuture<Void> {
        guard let target = postEndpoint else { return eventLoop.makeFailedFuture(UpstreamTransportError.notConnected) }
        guard let credentials else { return post(message, to: target, credentialHeaders: nil, traceParent: traceParent) }
        let callerToken = credentials.usesCallerToken
            ? correlation.flatMap { correlation in state.withLock { $0.delegate }?.upstreamTransport(callerTokenFor: correlation) }
            : nil
        return credentials.send(callerToken: callerToken, on: eventLoop) { credentialHeaders in
            self.post(message, to: target, credentialHeaders: credentialHeaders, traceParent: traceParent)
        }
    }

    private func post(_ message: ByteBuffer, to messages: HTTPEndpoint, credentialHeaders: HTTPHeaders?, traceParent: String?) -> EventLoopFuture<Void> {
        var headers = UpstreamHTTPTarget.jsonPOSTHeaders(acceptingStreams: false)
        if let traceParent { headers.add(name: "traceparent", value: traceParent) }
        let request = target.request(
            .POST, to: messages.pathAndQuery, headers: headers, credentialHeaders: credentialHeaders, body: message, readTimeout: target.postReadTimeout
        )
        let promise = eventLoop.makePromise(of: Void.self)
        client.execute(request, delegate: UpstreamHTTPAcceptedResponse(promise: promise))
        return promise.futureResult
    }

    /// HTTP+SSE has no session header or version header to adjust.
    package func handshakeCompleted(protocolVersion: String) {}

    package func resetSession() {}

    package func close() -> EventLoopFuture<Void> {
        let (phase, stream) = state.withLock { state in
            defer {
                state.phase = .closed
                state.stream = nil
            }
            return (state.phase, state.stream)
        }
        if case .connecting(let promise, let timeout) = phase {
            timeout?.cancel()
            promise.fail(UpstreamTransportError.notConnected)
        }
        stream?.cancel()
        return client.shutdown()
    }

    // MARK: Used by the event stream

    func receivedEndpoint(generation: UInt64, data: ByteBuffer) {
        let reference = String(decoding: data.readableBytesView, as: UTF8.self)
        let resolved: Result<HTTPEndpoint, UpstreamTransportError>
        do {
            resolved = .success(try endpoint.resolvingSameOrigin(reference))
        } catch {
            resolved = .failure(error)
        }
        switch resolved {
        case .success(let target):
            let connecting = state.withLock { state -> (EventLoopPromise<Void>, Scheduled<Void>?)? in
                guard state.generation == generation, case .connecting(let promise, let timeout) = state.phase else { return nil }
                state.phase = .connected(postTarget: target)
                return (promise, timeout)
            }
            guard let (promise, timeout) = connecting else {
                logger.debug("upstream sent another endpoint event; ignored")
                return
            }
            timeout?.cancel()
            promise.succeed()
        case .failure(let error):
            logger.warning("upstream endpoint event refused", metadata: ["switchboard.error": "\(error)"])
            connectFailed(generation: generation, error: error)
        }
    }

    func receivedMessage(generation: UInt64, data: ByteBuffer) {
        let delegate = state.withLock { state -> (any UpstreamTransportDelegate)? in
            guard state.generation == generation, case .connected = state.phase else { return nil }
            return state.delegate
        }
        delegate?.upstreamTransport(received: data, origin: .sharedStream)
    }

    func streamEnded(generation: UInt64, error: (any Error)?) {
        enum Next { case nothing, failConnect(EventLoopPromise<Void>, Scheduled<Void>?), reportClosed((any UpstreamTransportDelegate)?) }
        let next = state.withLock { state -> Next in
            guard state.generation == generation else { return .nothing }
            switch state.phase {
            case .connecting(let promise, let timeout):
                state.phase = .lost
                state.stream = nil
                return .failConnect(promise, timeout)
            case .connected:
                state.phase = .lost
                state.stream = nil
                return .reportClosed(state.delegate)
            case .idle, .lost, .closed:
                return .nothing
            }
        }
        switch next {
        case .nothing:
            break
        case .failConnect(let promise, let timeout):
            timeout?.cancel()
            promise.fail(error ?? UpstreamTransportError.protocolViolation("event stream ended before the endpoint event"))
        case .reportClosed(let delegate):
            delegate?.upstreamTransportClosed(error: error)
        }
    }

    private func connectFailed(generation: UInt64, error: any Error) {
        let failed = state.withLock { state -> (EventLoopPromise<Void>, Scheduled<Void>?, UpstreamHTTPStream?)? in
            guard state.generation == generation, case .connecting(let promise, let timeout) = state.phase else { return nil }
            state.phase = .lost
            defer { state.stream = nil }
            return (promise, timeout, state.stream)
        }
        guard let (promise, timeout, stream) = failed else { return }
        timeout?.cancel()
        stream?.cancel()
        promise.fail(error)
    }
}
