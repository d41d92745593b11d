import SwitchboardCore

/// The top level and the gateway-wide sections (`limits`, `sessions`, `security`, `store`).
extension ConfigLoader {
    /// `node` is nil for an empty file, which is a valid config: every default, no servers.
    static func decodeRoot(_ node: ConfigNode?, source: ConfigSource) throws(ConfigError) -> GatewayConfig {
        // The default store sits beside the config, not in whatever directory the gateway
        // happens to be started from.
        var config = GatewayConfig(store: "sqlite:" + source.resolve("switchboard.db"), audit: AuditConfig(journal: source.resolve("switchboard-audit")))
        guard let node else { return config }
        let root = try ConfigMapping(node)
        try root.rejectUnknownKeys(allowed: rootKeys)

        if let listen = root["listen"] { config.listen = try listen.parsed(ListenAddressSyntax.parse) }
        if let tls = root["tls"] { config.tls = try decodeTLS(tls) }
        if let value = root["public_url"] {
            let url = try value.parsed(WebURLSyntax.parse)
            guard url.pathAndQuery == "/" else { throw value.error("public_url is an origin such as https://gateway.example.com, without a path") }
            config.publicURL = url
        }
        if let store = root["store"] { config.store = try decodeStore(store) }
        if let servers = root["servers"] { config.servers = try decodeServers(servers) }
        if let limits = root["limits"] { config.limits = try decodeLimits(limits) }
        if let sessions = root["sessions"] { config.sessions = try decodeSessions(sessions) }
        if let security = root["security"] { config.security = try decodeSecurity(security) }
        if let demo = root["demo"] { config.demo = try decodeDemo(demo) }
        if let auth = root["auth"] { config.auth = try decodeAuth(auth) }
        if let policy = root["policy"] { config.policy = try decodePolicy(policy) }
        if let quotas = root["quotas"] { config.quotas = try decodeQuotas(quotas) }
        if let virtualServers = root["virtual_servers"] { config.virtualServers = try decodeVirtualServers(virtualServers) }
        if let audit = root["audit"] { config.audit = try decodeAudit(audit, source: source) }
        if let metrics = root["metrics"] { config.metrics = try decodeMetrics(metrics) }
        if let log = root["log"] { config.log = try decodeLog(log) }
        if let traces = root["traces"] { config.traces = try decodeTraces(traces) }
        if let console = root["console"] { config.console = try decodeConsole(console, auth: config.auth) }
        if let guards = root["guards"] { config.guards = try decodeGuards(guards) }
        if let approvals = root["approvals"] { config.approvals = try decodeApprovals(approvals) }
        try checkReferences(root, config: config)
        try checkNames(root, config: config)
        return config
    }

    /// `sqlite:PATH` (relative to the config's folder) or `postgres://…`. The value is never
    /// quoted back in errors: a PostgreSQL URL carries a password.
    static func decodeStore(_ node: ConfigNode) throws(ConfigError) -> String {
        let scalar = try node.scalar()
        let text = scalar.text
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw scalar.error("expected sqlite:PATH, the path is missing", quotesValue: false) }
            return path == ":memory:" ? text : "sqlite:" + node.source.resolve(path)
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") { return text }
        throw scalar.error("expected sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE", quotesValue: false)
    }

    static func decodeLimits(_ node: ConfigNode) throws(ConfigError) -> LimitsConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: limitsKeys)
        var limits = LimitsConfig()
        if let value = section["max_body_bytes"] { limits.maxBodyBytes = try value.byteSize() }
        if let value = section["max_json_depth"] { limits.maxJSONDepth = try value.positiveInt() }
        if let value = section["max_tool_name_length"] { limits.maxToolNameLength = try value.positiveInt() }
        if let value = section["tool_name_reserve"] { limits.toolNameReserve = try value.nonNegativeInt() }
        if let value = section["max_concurrent_requests"] { limits.maxConcurrentRequestsPerSession = try value.positiveInt() }
        return limits
    }

    static func decodeSessions(_ node: ConfigNode) throws(ConfigError) -> SessionsConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: sessionsKeys)
        var sessions = SessionsConfig()
        if let value = section["idle_timeout"] { sessions.idleTimeout = try value.positiveDuration() }
        if let value = section["keepalive"] { sessions.keepAlive = try value.positiveDuration() }
        if let value = section["max_sessions"] { sessions.maxSessions = try value.positiveInt() }
        if let keys = section["seal_keys"] {
            for element in try keys.sequence() { sessions.sealKeys.append(try decodeSealSecret(element)) }
        }
        if let value = section["max_lifetime"] { sessions.maxLifetime = try value.positiveDuration() }
        return sessions
    }

    /// A seal key is a secret: errors name its variable, never its text or length.
    static func decodeSealSecret(_ node: ConfigNode) throws(ConfigError) -> SealSecret {
        let scalar = try node.scalar()
        guard scalar.text.count >= SealSecret.minimumSealKeyLength else {
            let origin = scalar.variables.isEmpty ? "" : " (from " + scalar.variables.map { "${\($0)}" }.joined(separator: ", ") + ")"
            throw scalar.error(
                "a seal key needs at least \(SealSecret.minimumSealKeyLength) characters\(origin); generate one with: openssl rand -base64 48",
                quotesValue: false
            )
        }
        return SealSecret(scalar.text)
    }

    static func decodeSecurity(_ node: ConfigNode) throws(ConfigError) -> SecurityConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: securityKeys)
        var security = SecurityConfig()
        if let origins = section["allowed_origins"] {
            for element in try origins.sequence() {
                security.allowedOrigins.append(try element.parsed(OriginSyntax.parse))
            }
        }
        return security
    }

    /// `demo`: the built-in demo server served in-process (the quick start's HTTP upstream).
    static func decodeDemo(_ node: ConfigNode) throws(ConfigError) -> DemoConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: demoKeys)
        var demo = DemoConfig()
        if let http = section["http"] { demo.http = try http.parsed(ListenAddressSyntax.parse) }
        return demo
    }
}
