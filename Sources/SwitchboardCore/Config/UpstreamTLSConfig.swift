/// `servers.NAME.tls`: how the gateway checks an `https://` server and proves itself to it.
/// Paths are absolute once loaded; the files are read when the server's transport is made, so
/// the config holds no key material. Verification is on unless `insecure_skip_verify` says
/// otherwise, which the gateway repeats at start, in `check` and in `/readyz`.
public struct UpstreamTLSConfig: Sendable, Equatable {
    /// PEM trust roots added to the system's (`ca_file`), e.g. a company's private CA.
    public var caFile: String?
    /// PEM certificate chain, leaf first, for mutual TLS to the server (`client_certificate`).
    public var clientCertificate: String?
    /// PEM private key of that certificate (`client_key`).
    public var clientKey: String?
    /// The name sent in SNI and checked against the certificate (`server_name`); the URL's
    /// host by default.
    public var serverName: String?
    /// The oldest protocol version offered (`min_version`).
    public var minimumVersion: TLSConfig.MinimumVersion
    /// `insecure_skip_verify: true`: any certificate is accepted, for any name. For a lab only.
    public var insecureSkipVerify: Bool

    public init(
        caFile: String? = nil, clientCertificate: String? = nil, clientKey: String? = nil, serverName: String? = nil,
        minimumVersion: TLSConfig.MinimumVersion = .tls12, insecureSkipVerify: Bool = false
    ) {
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.serverName = serverName
        self.minimumVersion = minimumVersion
        self.insecureSkipVerify = insecureSkipVerify
    }
}

/// `servers.NAME.proxy`: how the gateway reaches an HTTP server through a forward proxy.
public enum UpstreamProxyConfig: Sendable, Equatable {
    /// The default: `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` from the gateway's environment.
    case environment
    /// `proxy: none`: always direct, whatever the environment says.
    case direct
    /// `proxy: { url: http://HOST:PORT, credentials_file: PATH }`: this proxy for this server,
    /// `NO_PROXY` not consulted. The file holds `user:password`, read at each new connection.
    case explicit(ProxyAddress, credentialsFile: String?)
}

/// A forward proxy's address (`http://HOST:PORT`); the gateway speaks plain HTTP to the proxy
/// and tunnels `https` through it with `CONNECT`.
public struct ProxyAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "http://" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
}
