package import NIOCore
import Logging
package import SwitchboardCore
import Synchronization

extension Gateway {
    package func session(id: String) -> DownstreamSession? {
        sessions.withLock { $0[id] }
    }

    package var sessionCount: Int { sessions.withLock { $0.count } }

    /// Ends a session (DELETE, idle expiry, stdio EOF).
    package func endSession(id: String) {
        guard let session = sessions.withLock({ $0.removeValue(forKey: id) }) else { return }
        session.close()
        logger.debug("session ended", metadata: ["switchboard.session": "\(id.prefix(8))"])
    }

    /// Answers `initialize`: negotiates the version, creates the session and returns it with
    /// the whole response message (already recorded by the wire tap). Waits briefly for servers still starting so the advertised capabilities are
    /// the honest union of what the servers offer.
    package func initialize(
        _ message: JSONRPCMessage,
        on loop: any EventLoop
    ) -> EventLoopFuture<(DownstreamSession, ByteBuffer)> {
        guard sessionCount < config.sessions.maxSessions else {
            return loop.makeFailedFuture(GatewayError.overloaded("too many sessions"))
        }
        let params = message.params
        let requested = params?["protocolVersion"]?.string
        let revision = ProtocolRevision.negotiate(requested)
        let clientName = params?["clientInfo"]?["name"]?.string ?? "unknown"
        let session = DownstreamSession(
            id: SessionID.generate(),
            revision: revision,
            clientCapabilities: params?["capabilities"],
            clientName: clientName,
            tap: tap
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

    /// The union of the servers' capabilities. `listChanged` is always true where a list is
    /// offered: the gateway emits its own changes (servers restarting, coming and going).
    func initializeResult(revision: String) -> ByteBuffer {
        var tools = false, prompts = false, resources = false, subscribe = false, logging = false, completions = false
        var instructions: [String] = []
        for server in servers {
            guard let result = server.initializeResult else { continue }
            let caps = result["capabilities"]
            tools = tools || caps?["tools"] != nil
            prompts = prompts || caps?["prompts"] != nil
            resources = resources || caps?["resources"] != nil
            subscribe = subscribe || caps?["resources"]?["subscribe"]?.bool == true
            logging = logging || caps?["logging"] != nil
            completions = completions || caps?["completions"] != nil
            if let text = result["instructions"]?.string, !text.isEmpty {
                instructions.append("## \(server.name)\n\(text)")
            }
        }
        var w = JSONWriter()
        w.beginObject()
        w.field("protocolVersion", revision)
        w.key("capabilities")
        w.beginObject()
        if tools { w.field("tools", raw: #"{"listChanged":true}"#) }
        if prompts { w.field("prompts", raw: #"{"listChanged":true}"#) }
        if resources { w.field("resources", raw: subscribe ? #"{"subscribe":true,"listChanged":true}"# : #"{"listChanged":true}"#) }
        if logging { w.field("logging", raw: "{}") }
        // `completions` was added in 2025-03-26; 2024-11-05 clients call the method without it.
        if completions && revision >= "2025-03-26" { w.field("completions", raw: "{}") }
        w.endObject()
        w.key("serverInfo")
        w.beginObject()
        w.field("name", "switchboard")
        w.field("version", version)
        w.endObject()
        if !instructions.isEmpty && revision >= "2025-03-26" {
            w.field("instructions", "This gateway federates several MCP servers; tool and prompt names are prefixed with the server key.\n\n" + instructions.joined(separator: "\n\n"))
        }
        w.endObject()
        return w.buffer
    }

    func sweepIdleSessions(olderThan idle: TimeAmount) {
        let now = NIODeadline.now()
        let expired = sessions.withLock { s -> [String] in
            s.filter { $0.value.isIdle && now - $0.value.lastActivity > idle }.map(\.key)
        }
        for id in expired { endSession(id: id) }
        if !expired.isEmpty { logger.debug("idle sessions expired", metadata: ["switchboard.count": "\(expired.count)"]) }
    }
}

/// Session ids: 128 bits from the system CSPRNG, hex (visible ASCII, spec digest §1.3).
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
