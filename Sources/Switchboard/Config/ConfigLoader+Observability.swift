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
        if let value = section["digest_key_file"] { audit.digestKeyFile = try decodeFilePath(value) }
        if let value = section["checkpoint_interval"] { audit.checkpointInterval = try value.positiveDuration() }
        if let value = section["signing_key_file"] { audit.signingKeyFile = try decodeFilePath(value) }
        return audit
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
