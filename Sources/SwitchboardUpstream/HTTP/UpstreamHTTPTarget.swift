import Logging
import NIOCore
import NIOHTTP1
package import SwitchboardCore
package import SwitchboardOutbound

/// One server as an HTTP transport (Streamable HTTP or HTTP+SSE) reaches it: where, with which
/// headers on every request, and within which limits. Both transports are made from one, so
/// what they share is written once.
package struct UpstreamHTTPTarget: Sendable {
    package let serverName: String
    package let endpoint: HTTPEndpoint
    let timeouts: ServerTimeouts
    let maxMessageBytes: Int
    /// `servers.NAME.headers`, on every request.
    let extraHeaders: HTTPHeaders
    /// `headers_from_files` and `credentials`; nil when the server has only static headers.
    let credentials: UpstreamCredentialProvider?
    /// Tagged with the server's name.
    let logger: Logger
    /// Direct or through a proxy, clear or TLS (`UpstreamRoute`).
    package let route: OutboundRoute

    init(
        serverName: String, endpoint: HTTPEndpoint, route: OutboundRoute?, headers: [HTTPHeaderField], credentials: UpstreamCredentialProvider?,
        timeouts: ServerTimeouts, maxMessageBytes: Int, logger: Logger
    ) {
        self.serverName = serverName
        self.endpoint = endpoint
        self.route = route ?? OutboundRoute(host: endpoint.host, port: endpoint.port, tls: nil, proxy: nil)
        self.timeouts = timeouts
        self.maxMessageBytes = maxMessageBytes
        self.extraHeaders = UpstreamHTTPHeaders.extra(headers)
        self.credentials = credentials
        var logger = logger
        logger[metadataKey: "switchboard.server"] = "\(serverName)"
        self.logger = logger
    }

    /// The answer to a POST may take as long as the slowest request the server is given.
    var postReadTimeout: TimeAmount { TimeAmount(max(timeouts.request, timeouts.initialize)) }

    /// The pool toward this server: `maxConnections` at once, a request waiting at most
    /// `queueTimeout` for one.
    func clientConfiguration(maxConnections: Int, queueTimeout: Duration) -> UpstreamHTTPClient.Configuration {
        .init(
            host: endpoint.host, port: endpoint.port, route: route, authority: endpoint.authority, connectTimeout: TimeAmount(timeouts.connect),
            maxConnections: maxConnections, queueTimeout: TimeAmount(queueTimeout)
        )
    }

    /// A request to this server: `headers` (what the transport and the era decide), then the
    /// configured headers, then the credential headers (known after any token fetch).
    func request(
        _ method: HTTPMethod, to path: String? = nil, headers: HTTPHeaders, credentialHeaders: HTTPHeaders?, body: ByteBuffer? = nil,
        readTimeout: TimeAmount?
    ) -> UpstreamHTTPRequest {
        var headers = headers
        headers.add(contentsOf: extraHeaders)
        if let credentialHeaders { headers.add(contentsOf: credentialHeaders) }
        return UpstreamHTTPRequest(method: method, target: path ?? endpoint.pathAndQuery, headers: headers, body: body, readTimeout: readTimeout)
    }

    /// `Content-Type` and, when the answer may be a stream, `Accept` for both kinds.
    static func jsonPOSTHeaders(acceptingStreams: Bool) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: UpstreamHTTPHeaders.json)
        if acceptingStreams { headers.add(name: "Accept", value: UpstreamHTTPHeaders.acceptBoth) }
        return headers
    }
}

/// A transport made from an `UpstreamHTTPTarget`, reading its settings from it.
protocol UpstreamHTTPTargeted {
    var target: UpstreamHTTPTarget { get }
}

extension UpstreamHTTPTargeted {
    package var serverName: String { target.serverName }
    package var endpoint: HTTPEndpoint { target.endpoint }
    var timeouts: ServerTimeouts { target.timeouts }
    var maxMessageBytes: Int { target.maxMessageBytes }
    var credentials: UpstreamCredentialProvider? { target.credentials }
    var logger: Logger { target.logger }
}
