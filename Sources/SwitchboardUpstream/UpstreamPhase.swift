import Synchronization
import NIOCore

/// Where an upstream session is in its life. Pure data; `UpstreamServer` drives it.
package enum UpstreamPhase: Sendable, Equatable {
    /// Not started, or stopped for good.
    case stopped
    /// Spawning/connecting, finding the era and running its handshake (`server/discover` or
    /// `initialize`).
    case starting
    /// Handshake done; requests flow.
    case ready
    /// Failed; the next start is scheduled. `reason` says why it failed.
    case backingOff(reason: String)

    package var label: String {
        switch self {
        case .stopped: "stopped"
        case .starting: "starting"
        case .ready: "ready"
        case .backingOff: "unavailable"
        }
    }
}

/// A snapshot for `check`, logs and the admin API.
package struct UpstreamStatus: Sendable {
    package var name: String
    package var transport: String
    package var phase: UpstreamPhase
    package var protocolVersion: String?
    package var serverInfo: String?
    package var restarts: Int
    package var lastError: String?
    /// The era found at the latest start (nil before the first finished).
    package var era: UpstreamEra?
    /// How an HTTP server is reached, in one line: TLS checks and proxy (nil for stdio).
    package var connection: String?
    /// `tls.insecure_skip_verify` is set: said loudly wherever the status is shown.
    package var verificationOff: Bool = false
    /// For a `credentials.oauth` server: connected (issuer, expiry) or why not.
    package var oauth: String?
}
