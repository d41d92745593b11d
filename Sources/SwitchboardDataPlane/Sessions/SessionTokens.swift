package import SwitchboardCore

/// Session ids as sealed tokens: any replica with the same keys, or this one after a restart,
/// can re-create a session from its id alone. Ended sessions are remembered in `revocations`
/// because their ids would otherwise still open until they expire.
package struct SessionTokens: Sendable {
    /// Bound into every session token: no other kind of sealed token opens as a session id.
    package static let purpose = "session"

    package let sealer: Sealer
    /// True when no `seal_keys` are configured and the key was made up at start.
    package let isEphemeral: Bool
    package let lifetime: Duration
    package let revocations: any SessionRevocations
    private let now: @Sendable () -> Int64

    package init(
        config: SessionsConfig,
        now: @escaping @Sendable () -> Int64 = Sealer.unixTime,
        revocations: (any SessionRevocations)? = nil
    ) {
        let configured = SealKeyRing(secrets: config.sealKeys.map(\.value))
        self.isEphemeral = configured == nil
        self.sealer = Sealer(keyRing: configured ?? .random(), now: now)
        self.lifetime = config.maxLifetime
        self.now = now
        // Every live session may be ended before it expires, and ended ones keep arriving
        // while older ones expire: room for several generations of max_sessions.
        self.revocations = revocations ?? InMemorySessionRevocations(capacity: max(100_000, 4 * config.maxSessions))
    }

    func mint(_ state: SealedSessionState) -> String {
        sealer.seal(state.encoded(), purpose: Self.purpose, ttl: lifetime)
    }

    /// The session `id` stands for; nil when it is not a token of ours, has expired, or was
    /// ended.
    func open(_ id: String) -> SealedSessionState? {
        guard let opened = sealer.openWithTimes(id, purpose: Self.purpose),
            !revocations.isRevoked(id, now: now())
        else { return nil }
        return SealedSessionState(decoding: opened.payload)
    }

    /// Makes `id` unusable for the rest of its validity.
    func end(_ id: String) {
        guard let opened = sealer.openWithTimes(id, purpose: Self.purpose) else { return }
        revocations.revoke(id, until: opened.expiresAt, now: now())
    }
}
