import Foundation
import SwitchboardCore

/// The proxy settings of the gateway's environment, read once: `HTTPS_PROXY` for https
/// servers, `HTTP_PROXY` for http ones, `NO_PROXY` for the exceptions; the lower-case names
/// win over the upper-case ones, as in curl. Credentials in a proxy URL
/// (`http://user:pass@proxy:3128`) are sent as `Proxy-Authorization: Basic` and never shown.
package struct ProxyEnvironment: Sendable {
    struct Setting: Sendable {
        var address: ProxyAddress
        var variable: String
        var authorization: String?
    }

    let http: Setting?
    let https: Setting?
    package let noProxy: NoProxyList

    /// Reads `environment`; a value that is not a proxy URL is an error naming the variable.
    package init(environment: [String: String]) throws(OutboundError) {
        http = try Self.setting(["http_proxy", "HTTP_PROXY"], in: environment)
        https = try Self.setting(["https_proxy", "HTTPS_PROXY"], in: environment)
        noProxy = try NoProxyList(environment["no_proxy"] ?? environment["NO_PROXY"] ?? "")
    }

    /// No proxy at all.
    package static let none = ProxyEnvironment()

    private init() {
        http = nil
        https = nil
        noProxy = try! NoProxyList("")
    }

    /// The proxy for a server at `host:port` reached over `scheme`, or nil for a direct connection.
    package func hop(scheme: String, host: String, port: Int) -> ProxyHop? {
        guard let setting = scheme == "https" ? https : http, !noProxy.bypasses(host: host, port: port) else { return nil }
        let authorization = setting.authorization
        return ProxyHop(address: setting.address, source: setting.variable) { .success(authorization) }
    }

    private static func setting(_ names: [String], in environment: [String: String]) throws(OutboundError) -> Setting? {
        guard let name = names.first(where: { environment[$0].map { !$0.isEmpty } ?? false }), let value = environment[name] else { return nil }
        return try parse(value, variable: name)
    }

    /// `[http://][user:password@]host[:port][/]`: a proxy URL as curl and most tools take it.
    static func parse(_ value: String, variable: String) throws(OutboundError) -> Setting {
        var rest = Substring(value.trimmingCharacters(in: .whitespaces))
        if let schemeEnd = rest.range(of: "://") {
            let scheme = rest[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "http" else {
                throw OutboundError(.proxy, "\(variable): only http:// proxies are supported (https servers are tunnelled through them with CONNECT), not \(scheme)://")
            }
            rest = rest[schemeEnd.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...].allSatisfy({ $0 == "/" }) else { throw OutboundError(.proxy, "\(variable): a proxy URL has no path") }
            rest = rest[..<slash]
        }
        var authorization: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = String(rest[..<at])
            guard let decoded = userInfo.removingPercentEncoding else {
                throw OutboundError(.proxy, "\(variable): the credentials in the proxy URL are not valid percent-encoding")
            }
            authorization = ProxyHop.basic(decoded)
            rest = rest[rest.index(after: at)...]
        }
        var host = rest
        var port = 80
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()), (1...65535).contains(value) else { throw badPort(variable) }
                port = value
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let value = Int(host[host.index(after: colon)...]), (1...65535).contains(value) else { throw badPort(variable) }
            port = value
            host = host[..<colon]
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace }) else {
            throw OutboundError(.proxy, "\(variable): expected a proxy URL such as http://proxy.internal:3128")
        }
        return Setting(address: ProxyAddress(host: String(host), port: port), variable: variable, authorization: authorization)
    }

    private static func badPort(_ variable: String) -> OutboundError {
        OutboundError(.proxy, "\(variable): the proxy's port must be a number from 1 to 65535")
    }
}
