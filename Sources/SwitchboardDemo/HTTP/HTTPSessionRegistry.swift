import Synchronization

/// The live sessions of one HTTP server, by `Mcp-Session-Id`. Many clients never send DELETE, so
/// past `limit` sessions the oldest is ended; its client gets 404 and initializes again, as the spec
/// prescribes for an expired session.
final class HTTPSessionRegistry: Sendable {
    private struct Sessions {
        var byID: [String: HTTPSession] = [:]
        var creationOrder: [String] = []
    }

    private let sessions = Mutex(Sessions())
    let limit: Int

    init(limit: Int = 1000) {
        self.limit = limit
    }

    /// A session with a fresh id, not yet registered: it becomes visible once `initialize` succeeds.
    func makeSession() -> HTTPSession {
        HTTPSession(id: Self.randomID())
    }

    func register(_ session: HTTPSession) {
        let evicted: HTTPSession? = sessions.withLock { sessions in
            sessions.byID[session.id] = session
            sessions.creationOrder.append(session.id)
            guard sessions.creationOrder.count > limit else { return nil }
            return sessions.byID.removeValue(forKey: sessions.creationOrder.removeFirst())
        }
        evicted?.close()
    }

    func session(_ id: String) -> HTTPSession? {
        sessions.withLock { $0.byID[id] }
    }

    func remove(_ id: String) -> HTTPSession? {
        let session: HTTPSession? = sessions.withLock { sessions in
            sessions.creationOrder.removeAll { $0 == id }
            return sessions.byID.removeValue(forKey: id)
        }
        session?.close()
        return session
    }

    func closeAll() {
        let all = sessions.withLock { sessions in
            defer { sessions = Sessions() }
            return Array(sessions.byID.values)
        }
        all.forEach { $0.close() }
    }

    /// 128 random bits as 32 lowercase hex digits: visible ASCII, as the spec requires.
    /// `SystemRandomNumberGenerator` is cryptographically secure on every supported platform.
    static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
