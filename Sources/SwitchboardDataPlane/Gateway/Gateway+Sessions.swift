package import NIOCore
import Logging
package import SwitchboardCore
package import SwitchboardPolicy
import Synchronization

extension Gateway {
    /// The session named by `id`, when `caller` owns it and it was opened on `virtualServer`.
    /// A session id is not a credential (spec digest §5): every request authenticates, and a
    /// session seen with another caller or through another endpoint is "not found", exactly
    /// as an unknown one, so ids leak nothing. Live sessions come from memory, with no crypto
    /// per request; an id this process does not hold (it restarted, or another replica minted
    /// it) is opened as a sealed token and the session re-created under the same id.
    package func session(id: String, caller: Principal, virtualServer: String?) -> DownstreamSession? {
        guard let session = sessions.withLock({ $0[id] }) ?? restoreSession(id: id, caller: caller, virtualServer: virtualServer) else {
            return nil
        }
        guard session.virtualServer == virtualServer else { return nil }
        // The same caller may come back with other roles (a refreshed token): each request is
        // judged by its own (`RequestCaller`), the session only by whose it is.
        guard session.principal.isSameCaller(as: caller) else { return nil }
        return session
    }

    package var sessionCount: Int { sessions.withLock { $0.count } }

    /// The sealer behind session ids, for other client-held state (MRTR `requestState`): seal
    /// with a purpose of its own so the two kinds of token never open as each other.
    package var sealer: Sealer { sessionTokens.sealer }

    /// Ends a session for good (DELETE, stdio EOF): its id stays refused until it expires.
    /// `revoke` is for ids a client was given (`Mcp-Session-Id`); sessions whose id never left
    /// the gateway (HTTP+SSE, stdio) need no entry in the bounded list of ended ids.
    package func endSession(id: String, revoke: Bool = true) {
        if revoke { sessionTokens.end(id) }
        guard let session = sessions.withLock({ $0.removeValue(forKey: id) }) else { return }
        session.close()
        logger.debug("session ended", metadata: ["switchboard.session": "\(id.prefix(8))"])
    }

    /// Forgets an idle session without ending it: its sealed id re-creates it on next use.
    func evictSession(id: String) {
        sessions.withLock { $0.removeValue(forKey: id) }?.close()
    }

    /// Says once, at start, whether sessions outlive the process.
    package func logSessionSealing() {
        if sessionTokens.isEphemeral {
            logger.info("sessions.seal_keys is not set: session ids are sealed with a random key, so sessions end when the gateway stops and work on this replica only")
        } else {
            logger.debug("session ids are sealed with the configured keys", metadata: [
                "switchboard.keys": "\(sessionTokens.sealer.keyRing.keys.count)",
            ])
        }
    }

    private func restoreSession(id: String, caller: Principal, virtualServer: String?) -> DownstreamSession? {
        guard let state = sessionTokens.open(id), state.principalID == caller.id, state.virtualServer == virtualServer else { return nil }
        let session = DownstreamSession(
            id: id, revision: state.revision, clientCapabilities: state.capabilities, clientName: state.clientName, tap: tap,
            principal: caller, virtualServer: virtualServer
        )
        // The client finished the handshake with whichever process minted the id.
        session.markInitialized()
        let held = sessions.withLock { s -> DownstreamSession? in
            // Two requests of one client may race here; both must get the same session.
            if let first = s[id] { return first }
            guard s.count < config.sessions.maxSessions else { return nil }
            s[id] = session
            return session
        }
        if held === session {
            logger.debug("session restored", metadata: [
                "switchboard.session": "\(id.prefix(8))", "switchboard.protocol": "\(state.revision)",
                "switchboard.client": "\(state.clientName)",
            ])
        }
        return held
    }

    /// Answers `initialize`: negotiates the version, creates the session and returns it with
    /// the whole response message (already recorded by the wire tap). Waits briefly for servers still starting so the advertised capabilities are
    /// the honest union of what the servers offer.
    package func initialize(
        _ message: JSONRPCMessage,
        caller: Principal,
        virtualServer: String? = nil,
        on loop: any EventLoop
    ) -> EventLoopFuture<(DownstreamSession, ByteBuffer)> {
        guard sessionCount < config.sessions.maxSessions else {
            return loop.makeFailedFuture(GatewayError.overloaded("too many sessions"))
        }
        let params = message.params
        let requested = params?["protocolVersion"]?.string
        let revision = ProtocolRevision.negotiate(requested)
        let clientName = params?["clientInfo"]?["name"]?.string ?? "unknown"
        let capabilities = params?["capabilities"]
        let session = DownstreamSession(
            id: sessionTokens.mint(
                SealedSessionState(
                    revision: revision, clientName: clientName, capabilities: capabilities, principalID: caller.id, virtualServer: virtualServer
                )
            ),
            revision: revision,
            clientCapabilities: capabilities,
            clientName: clientName,
            tap: tap,
            principal: caller,
            virtualServer: virtualServer
        )
        return settled(within: .seconds(3), on: loop).flatMapThrowing {
            let admitted = self.sessions.withLock { s -> Bool in
                guard s.count < self.config.sessions.maxSessions else { return false }
                s[session.id] = session
                return true
            }
            guard admitted else { throw GatewayError.overloaded("too many sessions") }
            self.logger.debug("session started", metadata: [
                "switchboard.session": "\(session.id.prefix(8))", "switchboard.protocol": "\(revision)",
                "switchboard.client": "\(clientName)",
            ])
            let response = JSONRPCEncoding.result(id: message.id!, result: self.initializeResult(revision: revision))
            session.tap?.record(revision: revision, kind: .response, method: MCPMethod.initialize, message: response)
            return (session, response)
        }
    }

    func sweepIdleSessions(olderThan idle: TimeAmount) {
        let now = NIODeadline.now()
        let expired = sessions.withLock { s -> [String] in
            s.filter { $0.value.isIdle && now - $0.value.lastActivity > idle }.map(\.key)
        }
        for id in expired { evictSession(id: id) }
        if !expired.isEmpty { logger.debug("idle sessions expired", metadata: ["switchboard.count": "\(expired.count)"]) }
    }
}

/// Random ids: 128 bits from the system CSPRNG, hex (visible ASCII, spec digest §1.3). Session
/// ids of `initialize` are sealed tokens instead (`SessionTokens`); these name things that
/// need no state behind them.
package enum SessionID {
    package static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for _ in 0..<2 {
            let v = rng.next() as UInt64
            for shift in stride(from: 60, through: 0, by: -4) { out.append(hex[Int((v >> UInt64(shift)) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
