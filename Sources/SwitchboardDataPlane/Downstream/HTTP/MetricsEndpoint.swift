package import NIOCore
import NIOHTTP1
package import SwitchboardCore
import SwitchboardPolicy

/// `GET /metrics`: the Prometheus exposition. Without credentials only when `metrics.public`
/// is set or the gateway checks no credentials at all; otherwise the scraper authenticates
/// like any caller and needs one of `metrics.roles` or an admin role.
package struct MetricsEndpoint: Sendable {
    /// Writes the exposition (sets the present-state gauges first).
    let render: @Sendable () -> ByteBuffer
    let contentType: String
    let isPublic: Bool
    let roles: Set<String>

    package init(config: MetricsConfig, contentType: String, render: @escaping @Sendable () -> ByteBuffer) {
        self.render = render
        self.contentType = contentType
        self.isPublic = config.isPublic
        self.roles = Set(config.roles)
    }

    func mayScrape(_ caller: Principal, authentication: CallerAuthentication) -> Bool {
        authentication.isAdmin(caller) || !caller.roles.isDisjoint(with: roles)
    }

    func reply() -> HTTPReply {
        HTTPReply(.ok, contentType: contentType, body: render())
    }
}
