import SwitchboardCore

/// `servers.NAME.tls` and `servers.NAME.proxy`: how the gateway reaches an HTTP server. Only
/// the shape is checked here; certificate files are read when the transport is made (and by
/// `check`), so a config can be checked on a machine that does not hold the key.
extension ConfigLoader {
    static func decodeUpstreamTLS(_ node: ConfigNode, transport: ServerTransport) throws(ConfigError) -> UpstreamTLSConfig {
        guard transport.endpoint?.isSecure == true else {
            throw node.error("tls applies to https:// servers; this server's URL is not https", atKey: true)
        }
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: upstreamTLSKeys)
        var tls = UpstreamTLSConfig()
        if let value = section["ca_file"] { tls.caFile = try decodeFilePath(value) }
        let certificate = section["client_certificate"]
        let key = section["client_key"]
        switch (certificate, key) {
        case (let certificate?, let key?):
            tls.clientCertificate = try decodeFilePath(certificate)
            tls.clientKey = try decodeFilePath(key)
        case (let certificate?, nil):
            throw certificate.error("client_certificate needs client_key, the PEM private key of that certificate", atKey: true)
        case (nil, let key?):
            throw key.error("client_key needs client_certificate, the PEM certificate chain it belongs to", atKey: true)
        case (nil, nil):
            break
        }
        if let value = section["server_name"] {
            let name = try value.string()
            guard name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: ":") }) else {
                throw value.error("expected a host name such as mcp.internal.example (no scheme, port or path)")
            }
            tls.serverName = name
        }
        if let value = section["min_version"] { tls.minimumVersion = try decodeChoice(value, TLSConfig.MinimumVersion.self) }
        if let value = section["insecure_skip_verify"] { tls.insecureSkipVerify = try value.bool() }
        if tls.insecureSkipVerify, let caFile = section["ca_file"] {
            throw caFile.error("insecure_skip_verify checks nothing, so ca_file would go unused; remove one of the two", atKey: true)
        }
        return tls
    }

    static func decodeProxy(_ node: ConfigNode, transport: ServerTransport) throws(ConfigError) -> UpstreamProxyConfig {
        guard transport.endpoint != nil else {
            throw node.error("proxy applies to url, sse and openapi servers", atKey: true)
        }
        if node.isScalar, !node.isNull {
            let text = try node.string()
            if text == "none" { return .direct }
            return .explicit(try node.parsed(HTTPURLSyntax.parseProxy), credentialsFile: nil)
        }
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: proxyKeys)
        guard let url = section["url"] else {
            throw node.error("missing required key \"url\" (the proxy, as http://HOST:PORT)", code: .missingKey, atKey: true)
        }
        let credentials = try section["credentials_file"].map { value throws(ConfigError) in try decodeFilePath(value) }
        return .explicit(try url.parsed(HTTPURLSyntax.parseProxy), credentialsFile: credentials)
    }
}

extension ServerTransport {
    /// The URL of an HTTP server; nil for stdio.
    var endpoint: HTTPEndpoint? {
        switch self {
        case .stdio: nil
        case .streamableHTTP(let endpoint), .sse(let endpoint): endpoint
        case .openAPI(let api): api.baseURL
        }
    }
}
