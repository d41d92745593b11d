import Synchronization
package import NIOCore
import Logging
import SwitchboardCore

extension UpstreamServer {
    /// Starts the server and keeps it running: a failure schedules the next attempt with
    /// exponential back-off until `stop()`.
    package func start() {
        transport.setDelegate(self)
        startSweeping()
        let attempt = state.withLock { s -> UInt64? in
            guard s.phase == .stopped || { if case .backingOff = s.phase { return true } else { return false } }() else { return nil }
            s.phase = .starting
            s.restartTask = nil
            s.attempt &+= 1
            return s.attempt
        }
        guard let attempt else { return }
        transport.connect()
            .flatMap { self.establish(attempt: attempt) }
            .whenComplete { result in
                switch result {
                case .success: self.becameReady()
                case .failure(let error): self.failed(Self.describe(error))
                }
            }
    }

    /// Stops for good: pending requests fail, the transport closes (process group torn down).
    package func stop() -> EventLoopFuture<Void> {
        let (pending, task, listenRetry) = state.withLock { s -> ([Pending], Scheduled<Void>?, Scheduled<Void>?) in
            s.phase = .stopped
            s.sweeper?.cancel()
            s.sweeper = nil
            let p = Array(s.pending.values)
            s.pending.removeAll()
            s.queued.removeAll()
            defer { s.listen = ListenState() }
            return (p, s.restartTask, s.listen.retry)
        }
        task?.cancel()
        listenRetry?.cancel()
        for p in pending {
            p.promise.fail(UpstreamError.unavailable(server: name, reason: "gateway is shutting down"))
        }
        return transport.close()
    }

    /// Runs `expireOverdue` every 100 ms while the server is not stopped.
    private func startSweeping() {
        state.withLock { s in
            guard s.sweeper == nil else { return }
            s.sweeper = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { [weak self] _ in
                self?.expireOverdue()
            }
        }
    }

    /// The legacy handshake (spec digest §2.1): `initialize`, check the version, then
    /// `notifications/initialized`. The gateway declares every client capability it can relay;
    /// a request a given client cannot serve is answered with an error at that point. A
    /// server that refuses `initialize` because it speaks only 2026-07-28 fails it with
    /// `ModernOnlyServer`, so the caller can switch eras.
    func handshake() -> EventLoopFuture<Void> {
        transport.prepare(era: .legacy)
        let id = state.withLock { s -> Int in
            let id = s.nextID
            s.nextID += 1
            return id
        }
        let promise = eventLoop.makePromise(of: JSONRPCMessage.self)
        state.withLock {
            $0.pending[id] = Pending(
                promise: promise, observer: nil, method: MCPMethod.initialize, deadline: .distantFuture,
                timeoutAfter: config.timeouts.initialize, sent: true, params: nil, retried: true
            )
        }
        var w = JSONWriter()
        w.beginObject()
        w.field("protocolVersion", ProtocolRevision.latestLegacy)
        w.key("capabilities")
        w.raw(#"{"roots":{"listChanged":true},"sampling":{},"elicitation":{}}"#)
        w.key("clientInfo")
        w.beginObject()
        w.field("name", clientInfoName)
        w.field("version", clientVersion)
        w.endObject()
        w.endObject()
        let timeout = eventLoop.scheduleTask(in: config.timeouts.initialize.timeAmount) { [self] in
            guard let p = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
            p.promise.fail(UpstreamError.timeout(server: name, after: config.timeouts.initialize))
        }
        write(JSONRPCEncoding.request(id: JSONRPCID(id), method: MCPMethod.initialize, params: w.buffer), correlation: id)
        return promise.futureResult.flatMapThrowing { [self] response in
            timeout.cancel()
            guard let result = response.result, result.isObject else {
                if let error = response.error, UpstreamEraProbe.refusesInitializeForModern(error) { throw ModernOnlyServer() }
                let why = response.error?["message"]?.string ?? "no result"
                throw UpstreamError.protocolError(server: name, reason: "initialize failed: \(why)")
            }
            guard let version = result["protocolVersion"]?.string, ProtocolRevision.legacy.contains(version) else {
                throw UpstreamError.protocolError(
                    server: name,
                    reason: "unsupported protocol version \(result["protocolVersion"]?.rawText ?? "(none)")"
                )
            }
            state.withLock {
                $0.initializeResult = result
                $0.protocolVersion = version
                $0.era = .legacy
            }
            _ = transport.send(JSONRPCEncoding.notification(method: MCPMethod.initialized, params: nil), correlation: nil)
            transport.handshakeCompleted(protocolVersion: version)
        }
    }

    private func becameReady() {
        let (toSend, restarted, version, era, logLevel) = state.withLock { s -> ([(Int, Pending)], Bool, String?, UpstreamEra, String?) in
            guard s.phase == .starting else { return ([], false, nil, .legacy, nil) }
            s.phase = .ready
            s.handshakes += 1
            s.readySince = .now()
            s.lastError = nil
            var out: [(Int, Pending)] = []
            for id in s.queued {
                guard var p = s.pending[id] else { continue }
                p.sent = true
                s.pending[id] = p
                out.append((id, p))
            }
            s.queued.removeAll()
            return (out, s.handshakes > 1, s.protocolVersion, s.era ?? .legacy, s.logLevel)
        }
        guard let version else { return }
        readyEraIsModern.store(era == .modern, ordering: .relaxed)
        // Whatever was cached may have changed while the server was away.
        listCache.invalidateAll()
        logger.info("upstream ready", metadata: ["switchboard.protocol": "\(version)", "switchboard.restarted": "\(restarted)"])
        for (id, p) in toSend {
            dispatch(id: id, method: p.method, params: p.params, meta: p.meta, era: era, defaultLogLevel: logLevel)
        }
        if era == .modern { openListen() }
        delegate?.upstreamBecameReady(self, restarted: restarted)
    }

    /// Fails what is in flight and schedules the next start.
    func failed(_ reason: String) {
        let (pending, delay) = state.withLock { s -> ([Pending], TimeAmount?) in
            // Only a running or starting server fails; a second report of the same failure
            // (the handshake's own error after the transport closed) changes nothing.
            guard s.phase == .ready || s.phase == .starting else { return ([], nil) }
            // A server that stayed up a while starts its back-off from the beginning again.
            if let since = s.readySince, NIODeadline.now() - since > .seconds(10) { s.consecutiveFailures = 0 }
            s.readySince = nil
            s.consecutiveFailures += 1
            s.phase = .backingOff(reason: reason)
            s.lastError = reason
            s.listen.retry?.cancel()
            s.listen = ListenState()
            let p = Array(s.pending.values)
            s.pending.removeAll()
            s.queued.removeAll()
            let initial = Double(config.restart.initialBackoff.nanosecondCount)
            let cap = Double(config.restart.maxBackoff.nanosecondCount)
            let delay = min(cap, initial * pow2(s.consecutiveFailures - 1))
            return (p, .nanoseconds(Int64(delay)))
        }
        guard let delay else { return }
        logger.warning("upstream unavailable", metadata: ["switchboard.reason": "\(reason)", "switchboard.retry_in_ms": "\(delay.nanoseconds / 1_000_000)"])
        UpstreamMetrics.failures.increment(server: name)
        delegate?.upstreamFailed(self, reason: reason, retryIn: delay)
        for p in pending {
            p.promise.fail(UpstreamError.unavailable(server: name, reason: reason))
        }
        _ = transport.disconnect().always { _ in
            let task = self.eventLoop.scheduleTask(in: delay) { self.start() }
            self.state.withLock { $0.restartTask = task }
        }
    }

    /// A Streamable HTTP server forgot our session (404): re-initialize and send the request
    /// again once. Other requests already on the old session fail the same way and follow.
    func sessionExpired(retrying id: Int) {
        let restart = state.withLock { s -> Bool in
            guard var p = s.pending[id] else { return false }
            if p.retried {
                return false
            }
            p.retried = true
            p.sent = false
            s.pending[id] = p
            s.queued.append(id)
            guard s.phase == .ready else { return false }
            s.phase = .starting
            return true
        }
        guard restart else {
            if let p = state.withLock({ s -> Pending? in
                guard let p = s.pending[id], p.retried, p.sent else { return nil }
                return s.pending.removeValue(forKey: id)
            }) {
                p.promise.fail(UpstreamError.unavailable(server: name, reason: "session expired twice"))
            }
            return
        }
        logger.info("upstream session expired; re-initializing")
        transport.resetSession()
        handshake().whenComplete { result in
            switch result {
            case .success: self.becameReady()
            case .failure(let error): self.failed(Self.describe(error))
            }
        }
    }
}

private func pow2(_ n: Int) -> Double {
    var v = 1.0
    for _ in 0..<min(max(n, 0), 30) { v *= 2 }
    return v
}
