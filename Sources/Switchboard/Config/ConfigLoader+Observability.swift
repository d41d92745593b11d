import Foundation
import SwitchboardCore

/// `audit` (the journal's folder and how it is written), `metrics` and `log`.
extension ConfigLoader {
    static func decodeAudit(_ node: ConfigNode, source: ConfigSource) throws(ConfigError) -> AuditConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: auditKeys)
        var audit = AuditConfig(journal: source.resolve("switchboard-audit"))
        if let value = section["enabled"] { audit.enabled = try value.bool() }
        if let value = section["journal"] { audit.journal = try decodeFilePath(value) }
        if let value = section["sync_interval"] { audit.syncInterval = try value.positiveDuration() }
        if let value = section["segment_size"] {
            audit.segmentBytes = try value.byteSize()
            guard audit.segmentBytes >= 64 << 10 else { throw value.error("audit.segment_size must be at least 64KiB") }
        }
        if let value = section["on_failure"] { audit.onFailure = try decodeChoice(value, AuditConfig.FailurePolicy.self) }
        if let value = section["mode"] { audit.mode = try decodeChoice(value, AuditConfig.Mode.self) }
        if let value = section["digest_key_file"] { audit.digestKeyFile = try decodeFilePath(value) }
        if let value = section["checkpoint_interval"] { audit.checkpointInterval = try value.positiveDuration() }
        if let value = section["signing_key_file"] { audit.signingKeyFile = try decodeFilePath(value) }
        if let value = section["store"] { try decodeAuditStore(value, into: &audit) }
        if let value = section["sinks"] { audit.sinks = try decodeAuditSinks(value) }
        if let value = section["capture"] { audit.capture = try decodeAuditCapture(value) }
        return audit
    }

    /// `audit.capture`: a list of `{tools, arguments, result, redact, max_bytes}`.
    static func decodeAuditCapture(_ node: ConfigNode) throws(ConfigError) -> [AuditCaptureConfig] {
        var rules: [AuditCaptureConfig] = []
        for element in try node.sequence() {
            let section = try ConfigMapping(element)
            try section.rejectUnknownKeys(allowed: auditCaptureKeys)
            guard let tools = section["tools"] else {
                throw element.error("missing required key \"tools\" (globs of the tools whose calls are kept, e.g. crm__create_*)", code: .missingKey)
            }
            var rule = AuditCaptureConfig(tools: try tools.matcherList())
            if let value = section["arguments"] { rule.arguments = try value.bool() }
            if let value = section["result"] { rule.result = try value.bool() }
            if let value = section["redact"] { rule.redact = try value.matcherList() }
            if let value = section["max_bytes"] {
                rule.maxBytes = try value.byteSize()
                guard (64...(1 << 20)).contains(rule.maxBytes) else { throw value.error("max_bytes must be from 64 to 1MiB") }
            }
            guard rule.arguments || rule.result else {
                throw element.error("arguments and result are both false: this entry would keep nothing", atKey: false)
            }
            rules.append(rule)
        }
        return rules
    }

    /// `audit.store`: `true`/`false`, or `{enabled, retention}`.
    static func decodeAuditStore(_ node: ConfigNode, into audit: inout AuditConfig) throws(ConfigError) {
        if node.isScalar {
            audit.storeIndex = try node.bool()
            return
        }
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: auditStoreKeys)
        if let value = section["enabled"] { audit.storeIndex = try value.bool() }
        if let value = section["retention"] { audit.storeRetention = try value.positiveDuration() }
    }

    static func decodeAuditSinks(_ node: ConfigNode) throws(ConfigError) -> [AuditSinkConfig] {
        var sinks: [AuditSinkConfig] = []
        for element in try node.sequence() {
            let section = try ConfigMapping(element)
            guard let typeNode = section["type"] else {
                throw element.error("a sink needs a type: one of \(auditSinkTypes.joined(separator: ", "))", code: .missingKey)
            }
            let type = try typeNode.string()
            let kind: AuditSinkConfig.Kind
            switch type {
            case "file":
                try section.rejectUnknownKeys(allowed: auditSinkCommonKeys + auditFileSinkKeys)
                kind = .file(try decodeFileSink(section, element))
            case "syslog":
                try section.rejectUnknownKeys(allowed: auditSinkCommonKeys + auditSyslogSinkKeys)
                kind = .syslog(try decodeSyslogSink(section, element))
            case "webhook":
                try section.rejectUnknownKeys(allowed: auditSinkCommonKeys + auditWebhookSinkKeys)
                kind = .webhook(try decodeWebhookSink(section, element))
            case "otlp":
                try section.rejectUnknownKeys(allowed: auditSinkCommonKeys + auditOTLPSinkKeys)
                kind = .otlp(try decodeOTLPSink(section, element))
            default:
                throw typeNode.error("unknown sink type \"\(type)\"; expected one of \(auditSinkTypes.joined(separator: ", "))")
            }
            var name = type
            if let value = section["name"] {
                name = try value.string()
                guard name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }), name != "store" else {
                    throw value.error("a sink name is up to 64 letters, digits, - and _ (and not \"store\", the store's index)")
                }
            }
            guard !sinks.contains(where: { $0.name == name }) else {
                throw element.error("two sinks are named \"\(name)\"; give each its own name")
            }
            sinks.append(AuditSinkConfig(name: name, kind: kind))
        }
        return sinks
    }

    private static func decodeFileSink(_ section: ConfigMapping, _ node: ConfigNode) throws(ConfigError) -> AuditSinkConfig.File {
        guard let path = section["path"] else { throw node.error("a file sink needs a path", code: .missingKey) }
        var file = AuditSinkConfig.File(path: try decodeFilePath(path))
        if let value = section["max_size"] {
            file.maxBytes = try value.byteSize()
            guard file.maxBytes >= 4096 else { throw value.error("max_size must be at least 4KiB") }
        }
        if let value = section["rotate_every"] { file.rotateEvery = try value.positiveDuration() }
        if let value = section["max_files"] { file.maxFiles = try value.positiveInt() }
        if let value = section["max_age"] { file.maxAge = try value.positiveDuration() }
        return file
    }

    private static func decodeSyslogSink(_ section: ConfigMapping, _ node: ConfigNode) throws(ConfigError) -> AuditSinkConfig.Syslog {
        guard let address = section["address"] else { throw node.error("a syslog sink needs an address such as udp://127.0.0.1:514", code: .missingKey) }
        let text = try address.string()
        guard let split = text.range(of: "://"), let transport = AuditSinkConfig.Syslog.Transport(rawValue: String(text[..<split.lowerBound])) else {
            throw address.error("expected udp://HOST:PORT or tcp://HOST:PORT, got \"\(text)\"")
        }
        let hostPort: (host: String, port: Int?)
        do throws(ValueProblem) {
            hostPort = try HostPortSyntax.split(text[split.upperBound...], example: "tcp://127.0.0.1:601", ipv6Example: "udp://[::1]:514", minimumPort: 1)
        } catch {
            throw address.error(error.message)
        }
        guard !hostPort.host.isEmpty else { throw address.error("expected a host, as in udp://127.0.0.1:514") }
        var syslog = AuditSinkConfig.Syslog(transport: transport, host: hostPort.host, port: hostPort.port ?? (transport == .udp ? 514 : 601))
        if let value = section["format"] { syslog.format = try decodeChoice(value, AuditSinkConfig.Syslog.Format.self) }
        if let value = section["facility"] {
            let name = try value.string()
            guard let number = syslogFacilities[name] else {
                throw value.error("unknown facility \"\(name)\"; expected one of \(syslogFacilities.keys.sorted().joined(separator: ", "))")
            }
            syslog.facility = number
        }
        if let value = section["app_name"] {
            syslog.appName = try value.string()
            guard syslog.appName.count <= 48, syslog.appName.unicodeScalars.allSatisfy({ (33...126).contains($0.value) }) else {
                throw value.error("app_name is 1 to 48 printable ASCII characters without spaces (RFC 5424 APP-NAME)")
            }
        }
        return syslog
    }

    static let syslogFacilities: [String: Int] = [
        "user": 1, "auth": 4, "authpriv": 10, "local0": 16, "local1": 17, "local2": 18, "local3": 19, "local4": 20, "local5": 21,
        "local6": 22, "local7": 23,
    ]

    private static func decodeWebhookSink(_ section: ConfigMapping, _ node: ConfigNode) throws(ConfigError) -> AuditSinkConfig.Webhook {
        guard let url = section["url"] else { throw node.error("a webhook sink needs a url", code: .missingKey) }
        var webhook = AuditSinkConfig.Webhook(url: try url.parsed(WebURLSyntax.parse))
        if let value = section["headers"] { webhook.headers = try decodeHeaders(value) }
        if let value = section["secret_file"] { webhook.secretFile = try decodeSecretFile(value) }
        if let value = section["batch"] { webhook.batch = try value.positiveInt() }
        if let value = section["timeout"] { webhook.timeout = try value.positiveDuration() }
        return webhook
    }

    private static func decodeOTLPSink(_ section: ConfigMapping, _ node: ConfigNode) throws(ConfigError) -> AuditSinkConfig.OTLP {
        guard let endpoint = section["endpoint"] else { throw node.error("an otlp sink needs an endpoint such as http://127.0.0.1:4318", code: .missingKey) }
        var otlp = AuditSinkConfig.OTLP(endpoint: try endpoint.parsed(WebURLSyntax.parse))
        if let value = section["headers"] { otlp.headers = try decodeHeaders(value) }
        if let value = section["timeout"] { otlp.timeout = try value.positiveDuration() }
        return otlp
    }
}

extension ConfigLoader {
    static func decodeMetrics(_ node: ConfigNode) throws(ConfigError) -> MetricsConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: metricsKeys)
        var metrics = MetricsConfig()
        if let value = section["enabled"] { metrics.enabled = try value.bool() }
        if let value = section["public"] { metrics.isPublic = try value.bool() }
        if let value = section["roles"] { metrics.roles = try decodeNames(value) }
        return metrics
    }
}

extension ConfigLoader {
    static func decodeLog(_ node: ConfigNode) throws(ConfigError) -> LogConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: logKeys)
        var log = LogConfig()
        if let value = section["format"] { log.format = try decodeChoice(value, LogConfig.Format.self) }
        return log
    }
}

extension ConfigLoader {
    /// `traces`: where spans go and which are kept.
    static func decodeTraces(_ node: ConfigNode) throws(ConfigError) -> TracesConfig {
        let section = try ConfigMapping(node)
        try section.rejectUnknownKeys(allowed: tracesKeys)
        var traces = TracesConfig()
        if let value = section["endpoint"] { traces.endpoint = try value.parsed(WebURLSyntax.parse) }
        if let value = section["headers"] { traces.headers = try decodeHeaders(value) }
        if let value = section["sample_ratio"] {
            let scalar = try value.scalar()
            guard let ratio = Double(scalar.text), (0...1).contains(ratio) else {
                throw value.error("expected a share of traces from 0 to 1, such as 0.1, got \"\(scalar.text)\"")
            }
            traces.sampleRatio = ratio
        }
        if let value = section["inbound"] { traces.inbound = try decodeChoice(value, TracesConfig.Inbound.self) }
        if let value = section["include_principal"] { traces.includePrincipal = try value.bool() }
        if let value = section["service_name"] { traces.serviceName = try value.string() }
        if let value = section["timeout"] { traces.timeout = try value.positiveDuration() }
        return traces
    }
}
