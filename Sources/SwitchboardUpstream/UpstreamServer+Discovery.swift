import Synchronization
import Logging
import NIOCore
import SwitchboardCore

/// `initialize` was refused with -32022 naming a 2026-07-28 version: a modern-only server.
struct ModernOnlyServer: Error {}

extension UpstreamServer {
    /// How a start finds the server's era (spec digest §1.6).
    enum EraPlan: Equatable {
        /// Probe with `server/discover`; anything but a modern answer means `initialize`.
        case modernFirst
        /// `initialize` first (the last start found a legacy server); a modern-only refusal
        /// switches to `server/discover`.
        case legacyFirst
        /// `era: legacy` in the config, or an HTTP+SSE server: `initialize` only.
        case legacyOnly
        /// `era: modern` in the config: `server/discover` only.
        case modernOnly
    }

    /// The configured era if any; otherwise the last era found is tried first, and without
    /// one, the probe. A server that died on the probe is remembered as legacy (see `probe`),
    /// so the next start does not repeat it.
    var eraPlan: EraPlan {
        if case .sse = config.transport { return .legacyOnly }
        switch config.era {
        case .legacy: return .legacyOnly
        case .modern: return .modernOnly
        case .auto: return state.withLock { $0.era == .legacy ? .legacyFirst : .modernFirst }
        }
    }

    /// The probe waits no longer than this: a legacy server may never answer an unknown method.
    var probeTimeout: Duration { min(config.timeouts.initialize, .seconds(5)) }

    /// Runs after `connect`: finds the era and sets up the session of that era. Fails when
    /// neither era works, or when the start was abandoned meanwhile.
    func establish(attempt: UInt64) -> EventLoopFuture<Void> {
        switch eraPlan {
        case .legacyOnly:
            return handshake().flatMapErrorThrowing { error in
                guard error is ModernOnlyServer else { throw error }
                throw UpstreamError.protocolError(server: self.name, reason: "the server speaks only 2026-07-28, but era: legacy is configured")
            }
        case .modernOnly:
            return probe(attempt: attempt, retryOnModernError: true).flatMapThrowing { result in
                if case .notModern(let why) = result {
                    throw UpstreamError.protocolError(server: self.name, reason: "not a 2026-07-28 server (era: modern is configured): \(why)")
                }
            }
        case .modernFirst:
            return probe(attempt: attempt, retryOnModernError: true).flatMap { result in
                guard result != .adopted else { return self.eventLoop.makeSucceededVoidFuture() }
                // A probe can go unanswered because the server was still starting (an
                // interpreter loading, a package downloading) rather than because it is
                // legacy; such a server, up by now, refuses `initialize` for 2026-07-28.
                return self.legacyHandshake(attempt: attempt).flatMapError { error in
                    guard error is ModernOnlyServer else { return self.eventLoop.makeFailedFuture(error) }
                    return self.switchToModern(attempt: attempt)
                }
            }
        case .legacyFirst:
            return handshake().flatMapError { error in
                guard error is ModernOnlyServer else {
                    // Something else is wrong; the next start probes afresh.
                    self.state.withLock { if $0.attempt == attempt { $0.era = nil } }
                    return self.eventLoop.makeFailedFuture(error)
                }
                return self.switchToModern(attempt: attempt)
            }
        }
    }

    /// `initialize` was refused for 2026-07-28: the server is probed (again) and set up as modern.
    private func switchToModern(attempt: UInt64) -> EventLoopFuture<Void> {
        logger.info("upstream refused initialize for 2026-07-28; switching era")
        return probe(attempt: attempt, retryOnModernError: true).flatMapThrowing { result in
            guard result == .adopted else {
                throw UpstreamError.protocolError(server: self.name, reason: "refused initialize for 2026-07-28, but server/discover failed")
            }
        }
    }

    private func legacyHandshake(attempt: UInt64) -> EventLoopFuture<Void> {
        guard isCurrent(attempt) else { return abandoned() }
        return handshake()
    }

    enum ProbeResult: Equatable {
        /// The server is modern and set up as such.
        case adopted
        /// Not a 2026-07-28 server, and why.
        case notModern(String)
    }

    /// Sends `server/discover` and sets the server up as modern when it is. A recognised
    /// modern error is asked once more before giving up on the server.
    private func probe(attempt: UInt64, retryOnModernError: Bool) -> EventLoopFuture<ProbeResult> {
        guard isCurrent(attempt) else { return eventLoop.makeFailedFuture(UpstreamError.unavailable(server: name, reason: "start abandoned")) }
        return discover().flatMap { outcome -> EventLoopFuture<ProbeResult> in
            guard self.isCurrent(attempt) else { return self.abandoned() }
            switch outcome {
            case .modern(let result):
                self.adoptModern(result)
                return self.eventLoop.makeSucceededFuture(.adopted)
            case .modernError(let why) where retryOnModernError:
                self.logger.debug("upstream answered server/discover with a modern error; asking again", metadata: ["switchboard.reason": "\(why)"])
                return self.probe(attempt: attempt, retryOnModernError: false)
            case .modernError(let why):
                return self.eventLoop.makeFailedFuture(UpstreamError.protocolError(server: self.name, reason: "server/discover failed: \(why)"))
            case .legacy(let why):
                self.logger.debug("upstream is not 2026-07-28", metadata: ["switchboard.reason": "\(why)"])
                return self.eventLoop.makeSucceededFuture(.notModern(why))
            }
        }.flatMapErrorThrowing { error in
            // The server went away during the probe (a process that exits on an unknown
            // method, for one): the next start tries `initialize` first.
            if case UpstreamError.unavailable = error {
                self.state.withLock { if $0.attempt == attempt { $0.era = .legacy } }
            }
            throw error
        }
    }

    /// One `server/discover` round trip, read by `UpstreamEraProbe`. Transport failures are
    /// read too (an HTTP 4xx body may be a modern error); only losing the server fails.
    private func discover() -> EventLoopFuture<UpstreamEraProbe.Outcome> {
        transport.prepare(era: .modern)
        let timeout = probeTimeout
        let promise = eventLoop.makePromise(of: JSONRPCMessage.self)
        let id = state.withLock { s -> Int in
            let id = s.nextID
            s.nextID += 1
            s.pending[id] = Pending(
                promise: promise, observer: nil, method: MCPMethod.serverDiscover, deadline: .distantFuture,
                timeoutAfter: timeout, sent: true, params: nil, retried: true
            )
            return id
        }
        let timer = eventLoop.scheduleTask(in: timeout.timeAmount) { [self] in
            guard let p = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
            p.promise.fail(UpstreamError.timeout(server: name, after: timeout))
        }
        let params = ModernRequestParams.stamp(nil, method: MCPMethod.serverDiscover, meta: nil, clientInfo: clientInfoJSON).params
        transport.sendRequest(
            JSONRPCEncoding.request(id: JSONRPCID(id), method: MCPMethod.serverDiscover, params: params),
            correlation: UInt64(id),
            routing: UpstreamRequestRouting(method: MCPMethod.serverDiscover)
        ).whenFailure { [self] error in
            // The raw transport error, not `handleSendFailure`'s summary: its body is evidence.
            guard let p = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
            p.promise.fail(error)
        }
        return promise.futureResult.always { _ in timer.cancel() }
            .map(UpstreamEraProbe.classify)
            .flatMapError { error in
                switch error {
                case UpstreamTransportError.httpStatus(let code, let body):
                    return self.eventLoop.makeSucceededFuture(UpstreamEraProbe.classify(httpStatus: code, body: body))
                case UpstreamError.timeout:
                    return self.eventLoop.makeSucceededFuture(.legacy("no answer to server/discover within \(timeout)"))
                case let error as UpstreamError:
                    // `failed` or `stop` emptied the pending requests: the server is gone.
                    return self.eventLoop.makeFailedFuture(error)
                default:
                    return self.eventLoop.makeSucceededFuture(.legacy(Self.describe(error)))
                }
            }
    }

    /// Keeps a modern server's description where the gateway reads a legacy one's.
    private func adoptModern(_ discoverResult: JSONView) {
        let description = UpstreamEraProbe.initializeEquivalent(of: discoverResult)
        state.withLock {
            $0.initializeResult = description
            $0.protocolVersion = ProtocolRevision.latestModern
            $0.era = .modern
        }
        transport.handshakeCompleted(protocolVersion: ProtocolRevision.latestModern)
    }

    private func isCurrent(_ attempt: UInt64) -> Bool {
        state.withLock { $0.attempt == attempt && $0.phase == .starting }
    }

    private func abandoned<T>() -> EventLoopFuture<T> {
        eventLoop.makeFailedFuture(UpstreamError.unavailable(server: name, reason: "start abandoned"))
    }
}
