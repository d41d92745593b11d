import Foundation
package import SwitchboardCore

/// The forward proxy one server is reached through, and how the gateway proves itself to it.
package struct ProxyHop: Sendable {
    package let address: ProxyAddress
    /// Where the choice came from, for `check` and logs: `HTTPS_PROXY`, `servers.NAME.proxy`.
    package let source: String
    /// The `Proxy-Authorization` value for a new connection (read each time, so a rotated file
    /// applies); nil sends none. The value is never logged.
    package let authorization: @Sendable () -> Result<String?, OutboundError>

    package init(address: ProxyAddress, source: String, authorization: @escaping @Sendable () -> Result<String?, OutboundError> = { .success(nil) }) {
        self.address = address
        self.source = source
        self.authorization = authorization
    }

    /// `Basic` credentials from `user:password` (RFC 7617).
    package static func basic(_ userAndPassword: String) -> String {
        "Basic " + Data(userAndPassword.utf8).base64EncodedString()
    }
}
