/// `/metrics` (`metrics`): Prometheus text on the gateway's listener.
public struct MetricsConfig: Sendable, Equatable {
    /// `metrics.enabled`: serve `/metrics` and time every request for it (off: 404, and the
    /// request durations are not recorded; the plain counters still run).
    public var enabled: Bool
    /// `metrics.public`: serve it without credentials. Off by default when `auth` is
    /// configured: server and tool names are part of what the gateway guards.
    public var isPublic: Bool
    /// `metrics.roles`: roles that may scrape, besides `auth.admin_roles`.
    public var roles: [String]

    public init(enabled: Bool = true, isPublic: Bool = false, roles: [String] = ["switchboard:metrics"]) {
        self.enabled = enabled
        self.isPublic = isPublic
        self.roles = roles
    }
}
