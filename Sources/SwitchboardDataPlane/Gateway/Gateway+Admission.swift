import Synchronization
import SwitchboardCore

/// A 2026-07-28 request, or its listen stream, is a session for as long as it lasts: it counts
/// against `sessions.max_sessions` with the legacy sessions, so stateless traffic cannot grow
/// the gateway's state past the bound that holds for everyone else.
extension Gateway {
    /// Admits one more 2026-07-28 request; false when the gateway is full (answer 503).
    package func admitModern() -> Bool {
        let now = modernInFlight.add(1, ordering: .relaxed).newValue
        guard now + sessionCount <= config.sessions.maxSessions else {
            modernInFlight.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// The request's answer is complete or its client left: its slot and its listen (if it
    /// was one) are released.
    package func modernRequestEnded(_ session: DownstreamSession) {
        modernInFlight.subtract(1, ordering: .relaxed)
        if let listener = listeners.remove(session) { release([listener]) }
    }

    package var modernInFlightCount: Int { modernInFlight.load(ordering: .relaxed) }
}
