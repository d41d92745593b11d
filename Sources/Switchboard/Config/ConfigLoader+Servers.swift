import SwitchboardCore

/// `servers`: one entry per upstream MCP server, kept in file order because that order is the
/// merged catalogue's order.
extension ConfigLoader {
    static func decodeServers(_ node: ConfigNode) throws(ConfigError) -> [ServerConfig] {
        var servers: [ServerConfig] = []
        for entry in try ConfigMapping(node).entries {
            if let problem = ServerNameRule.problem(with: entry.key) {
                throw entry.value.error("invalid server name: \(problem)", atKey: true)
            }
            servers.append(try decodeServer(named: entry.key, entry.value))
        }
        return servers
    }

    static func decodeServer(named name: String, _ node: ConfigNode) throws(ConfigError) -> ServerConfig {
        let oneOf = "set exactly one of stdio, url, sse or openapi"
        if node.isNull { throw node.error("a server needs a transport: \(oneOf)", code: .missingKey, atKey: true) }
        let server = try ConfigMapping(node)

        try server.rejectUnknownKeys(allowed: serverKeys, hint: serverKeyHint)

        let transports = server.entries.filter { transportKeys.contains($0.key) }
        guard let chosen = transports.first else {
            throw node.error("a server needs a transport: \(oneOf)", code: .missingKey, atKey: true)
        }
        if transports.count > 1 {
            throw transports[1].value.error(
                "a server has exactly one transport, and \"\(chosen.key)\" is already set", atKey: true
            )
        }
        let transport: ServerTransport =
            switch chosen.key {
            case "stdio": .stdio(try decodeStdio(chosen.value))
            case "url": .streamableHTTP(try chosen.value.parsed(HTTPURLSyntax.parse))
            case "openapi": .openAPI(try decodeOpenAPI(chosen.value, server: server))
            default: .sse(try chosen.value.parsed(HTTPURLSyntax.parse))
            }
        if chosen.key != "openapi", let stray = server.entries.first(where: { openAPIServerKeys.contains($0.key) }) {
            throw stray.value.error("\(stray.key) applies to openapi servers", atKey: true)
        }

        var config = ServerConfig(name: name, transport: transport)
        if let headers = server["headers"] {
            if case .stdio = transport {
                throw headers.error(
                    "headers apply to url, sse and openapi servers; give a stdio server its settings with stdio.env",
                    atKey: true
                )
            }
            config.headers = try decodeHeaders(headers)
        }
        if let files = server["headers_from_files"] {
            if case .stdio = transport {
                throw files.error(
                    "headers_from_files apply to url, sse and openapi servers; give a stdio server its secrets with stdio.env",
                    atKey: true
                )
            }
            config.headersFromFiles = try decodeHeaderFiles(files, besides: config.headers)
        }
        if let credentials = server["credentials"] { config.credentials = try decodeCredentials(credentials, server: config) }
        if let value = server["enabled"] { config.enabled = try value.bool() }
        if let value = server["timeouts"] { config.timeouts = try decodeTimeouts(value) }
        if let value = server["restart"] { config.restart = try decodeRestart(value) }
        if let value = server["max_message_bytes"] { config.maxMessageBytes = try value.byteSize() }
        if let value = server["max_connections"] { config.maxConnections = try value.positiveInt() }
        if let value = server["tls"] { config.tls = try decodeUpstreamTLS(value, transport: transport) }
        if let value = server["proxy"] { config.proxy = try decodeProxy(value, transport: transport) }
        if let value = server["guards"] { config.guards = try decodeServerGuards(value, keys: serverGuardsKeys) }
        if let value = server["labels"] { config.labels = try decodeLabels(value) }
        if let value = server["names"] { config.names = try decodeServerNames(value) }
        if case .openAPI = transport {
            // The gateway itself answers for the document, as a 2025-11-25 server.
            config.era = .legacy
            if let value = server["era"] ?? server["restart"] {
                throw value.error("an openapi server is served by the gateway itself; \(server["era"] != nil ? "era" : "restart") does not apply", atKey: true)
            }
        }
        if let value = server["era"] {
            let text = try value.string()
            guard let era = ServerEraSetting(rawValue: text) else {
                throw value.error("expected one of auto, legacy, modern, got \"\(text)\"")
            }
            if era == .modern, case .sse = transport {
                throw value.error("an sse server speaks the 2024-11-05 protocol only; era: modern needs url or stdio")
            }
            config.era = era
        }
        return config
    }

    /// `labels`: a mapping of names to values (`ServerLabels`).
    static func decodeLabels(_ node: ConfigNode) throws(ConfigError) -> [String: String] {
        var labels: [String: String] = [:]
        for entry in try ConfigMapping(node).entries {
            if let problem = ServerLabels.problem(withKey: entry.key) { throw entry.value.error(problem, atKey: true) }
            let value = try entry.value.string()
            if let problem = ServerLabels.problem(withValue: value, key: entry.key) { throw entry.value.error(problem) }
            labels[entry.key] = value
        }
        return labels
    }

    /// Better than "did you mean" for the mistakes people actually make at this level.
    private static func serverKeyHint(_ key: String) -> String? {
        if stdioKeys.contains(key) {
            let example = key == "command" ? "args: […]" : "\(key): …"
            return "\"\(key)\" belongs under stdio, as in stdio: { command: …, \(example) }"
        }
        if ["transport", "type", "http", "streamable_http"].contains(key) {
            return "choose the transport by key: set exactly one of stdio, url, sse or openapi"
        }
        return nil
    }

    static func decodeStdio(_ node: ConfigNode) throws(ConfigError) -> StdioLaunch {
        if node.isScalar, !node.isNull {
            throw node.error("expected a mapping such as { command: python3, args: [-m, my_server] }, got a single value")
        }
        let stdio = try ConfigMapping(node)
        try stdio.rejectUnknownKeys(allowed: stdioKeys)
        guard let command = stdio["command"] else {
            throw node.error("missing required key \"command\"", code: .missingKey, atKey: true)
        }
        // The command is kept as written: a bare name is looked up on PATH when spawned.
        var launch = StdioLaunch(command: try command.string())
        if let args = stdio["args"] {
            for argument in try args.sequence() { launch.args.append(try argument.string(allowEmpty: true)) }
        }
        if let env = stdio["env"] {
            for entry in try ConfigMapping(env).entries {
                if entry.key.isEmpty || entry.key.contains("=") || entry.key.contains("\0") {
                    throw entry.value.error("an environment variable name cannot be empty or contain \"=\"", atKey: true)
                }
                launch.env[entry.key] = try entry.value.string(allowEmpty: true)
            }
        }
        if let cwd = stdio["cwd"] { launch.cwd = node.source.resolve(try cwd.string()) }
        return launch
    }

    /// A configured header's name: an HTTP token, not one the gateway sets itself, and none of
    /// `taken` (header names ignore case).
    static func checkHeaderName(_ name: String, of node: ConfigNode, taken: [String]) throws(ConfigError) {
        let lowercased = name.lowercased()
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(isHeaderNameCharacter) else {
            throw node.error("not a valid HTTP header name", atKey: true)
        }
        if gatewayManagedHeaders.contains(lowercased) {
            throw node.error("this header is set by the gateway and cannot be configured", atKey: true)
        }
        if let earlier = taken.first(where: { $0.lowercased() == lowercased }) {
            throw node.error("duplicate header: \"\(earlier)\" is already set (header names ignore case)", code: .duplicateKey, atKey: true)
        }
    }

    /// Header values are never quoted in errors: they are where upstream credentials live.
    static func decodeHeaders(_ node: ConfigNode) throws(ConfigError) -> [HTTPHeaderField] {
        var fields: [HTTPHeaderField] = []
        for entry in try ConfigMapping(node).entries {
            try checkHeaderName(entry.key, of: entry.value, taken: fields.map(\.name))
            let value = try entry.value.string(allowEmpty: true)
            // Scalars, not Characters: "\r\n" is one Character and would slip past a Character test.
            if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                throw entry.value.error("a header value cannot contain line breaks or NUL")
            }
            fields.append(HTTPHeaderField(name: entry.key, value: value))
        }
        return fields
    }

    /// Framing and session headers: a configured value would corrupt the exchange.
    static let gatewayManagedHeaders: Set<String> = [
        "host", "content-length", "transfer-encoding", "connection", "upgrade", "keep-alive", "te", "trailer",
        "mcp-session-id", "mcp-protocol-version", "mcp-method", "mcp-name",
    ]

    /// RFC 9110 `token` characters.
    static func isHeaderNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar)
    }

    static func decodeTimeouts(_ node: ConfigNode) throws(ConfigError) -> ServerTimeouts {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: timeoutKeys)
        var timeouts = ServerTimeouts()
        if let value = section["connect"] { timeouts.connect = try value.positiveDuration() }
        if let value = section["initialize"] { timeouts.initialize = try value.positiveDuration() }
        if let value = section["request"] { timeouts.request = try value.positiveDuration() }
        return timeouts
    }

    static func decodeRestart(_ node: ConfigNode) throws(ConfigError) -> RestartPolicy {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: restartKeys)
        var restart = RestartPolicy()
        let initial = section["initial_backoff"]
        let maximum = section["max_backoff"]
        if let initial { restart.initialBackoff = try initial.positiveDuration() }
        if let maximum { restart.maxBackoff = try maximum.positiveDuration() }
        if restart.initialBackoff > restart.maxBackoff {
            // Blame the key the operator wrote; values are not repeated (they may be substituted).
            if let initial {
                let defaultNote = maximum == nil ? " (\(DurationSyntax.format(RestartPolicy().maxBackoff)) by default)" : ""
                throw initial.error("must not be longer than max_backoff\(defaultNote)")
            }
            throw (maximum ?? node).error(
                "must not be shorter than initial_backoff (\(DurationSyntax.format(RestartPolicy().initialBackoff)) by default)"
            )
        }
        return restart
    }
}
