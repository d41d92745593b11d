import Foundation
package import SwitchboardCore
package import SwitchboardOutbound

/// The route to an HTTP server from its config and the gateway's environment: TLS for
/// `https://` (`servers.NAME.tls`, `SSL_CERT_FILE`/`SSL_CERT_DIR`), and the proxy
/// (`servers.NAME.proxy`, else `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`). Made once per server;
/// a failure (an unreadable CA file, a bad `HTTPS_PROXY`) is kept and reported by every
/// connection attempt, by `check` and by `/readyz`, never thrown at start, so one server's
/// bad setting does not stop the others.
package enum UpstreamRoute {
    package static func make(
        for config: ServerConfig, endpoint: HTTPEndpoint, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Result<OutboundRoute, OutboundError> {
        do throws(OutboundError) {
            let tls = endpoint.isSecure ? try OutboundTLS.make(config.tls, host: endpoint.host, environment: environment) : nil
            let proxy: ProxyHop?
            switch config.proxy {
            case .direct:
                proxy = nil
            case .environment:
                proxy = try ProxyEnvironment(environment: environment).hop(scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port)
            case .explicit(let address, let credentialsFile):
                let file = credentialsFile.map { CredentialFile(path: $0, key: "proxy.credentials_file") }
                proxy = ProxyHop(address: address, source: "servers.\(config.name).proxy") {
                    guard let file else { return .success(nil) }
                    switch file.current() {
                    case .success(let userAndPassword): return .success(ProxyHop.basic(userAndPassword))
                    case .failure(let error): return .failure(OutboundError(.proxy, error.description))
                    }
                }
            }
            return .success(OutboundRoute(host: endpoint.host, port: endpoint.port, tls: tls, proxy: proxy))
        } catch {
            return .failure(error)
        }
    }
}
