/// The keys the loader accepts at each level, in documentation order. The schema test checks
/// `docs/config.schema.json` against these lists both ways, so a key added here without the
/// schema (or the reverse) fails the build's tests.
extension ConfigLoader {
    package static let rootKeys = [
        "listen", "store", "servers", "limits", "sessions", "security", "demo", "auth", "policy", "quotas", "virtual_servers", "tls", "public_url", "audit",
        "metrics", "log", "traces", "console", "guards", "approvals",
    ]
    package static let guardsKeys = ["enabled", "rules", "refresh", "mode", "trust_on_first_use", "results", "flow"]
    package static let serverGuardsKeys = ["mode", "trust_on_first_use", "results"]
    package static let consoleKeys = ["enabled", "oidc"]
    package static let consoleOIDCKeys = ["issuer", "client_id", "client_secret", "scopes", "name"]
    package static let tracesKeys = ["endpoint", "headers", "sample_ratio", "inbound", "include_principal", "service_name", "timeout"]
    package static let metricsKeys = ["enabled", "public", "roles"]
    package static let logKeys = ["format"]
    package static let auditKeys = [
        "enabled", "journal", "sync_interval", "segment_size", "on_failure", "digest_key_file", "checkpoint_interval", "signing_key_file",
        "store", "sinks", "mode", "capture",
    ]
    package static let auditCaptureKeys = ["tools", "arguments", "result", "redact", "max_bytes"]
    package static let auditStoreKeys = ["enabled", "retention"]
    package static let auditSinkTypes = ["file", "syslog", "webhook", "otlp"]
    package static let auditSinkCommonKeys = ["type", "name"]
    package static let auditFileSinkKeys = ["path", "max_size", "rotate_every", "max_files", "max_age"]
    package static let auditSyslogSinkKeys = ["address", "format", "facility", "app_name"]
    package static let auditWebhookSinkKeys = ["url", "headers", "secret_file", "batch", "timeout"]
    package static let auditOTLPSinkKeys = ["endpoint", "headers", "timeout"]
    package static let serverKeys = [
        "stdio", "url", "sse", "openapi", "headers", "headers_from_files", "credentials", "enabled", "timeouts", "restart", "max_message_bytes",
        "max_connections", "era", "tls", "proxy", "guards", "labels", "names",
    ] + openAPIServerKeys
    /// Keys of an `openapi` server only.
    package static let openAPIServerKeys = ["base_url", "operations", "security", "structured_output"]
    package static let openAPISelectionKeys = ["include", "exclude"]
    package static let openAPIFilterKeys = ["tags", "paths", "operations"]
    package static let openAPIBasicKeys = ["username", "password"]
    /// `servers.NAME.tls` (https servers only).
    package static let upstreamTLSKeys = ["ca_file", "client_certificate", "client_key", "server_name", "min_version", "insecure_skip_verify"]
    /// `servers.NAME.proxy` as a mapping; it may also be a URL or `none`.
    package static let proxyKeys = ["url", "credentials_file"]
    /// At most one of these per server's `credentials`.
    package static let credentialsKeys = ["bearer_file", "oauth_client_credentials", "passthrough", "delegated", "oauth"]
    package static let oauthKeys = ["mode", "scopes", "client_id", "client_secret", "client_secret_file", "authorization_server", "resource"]
    package static let oauthClientCredentialsKeys = [
        "token_url", "client_id", "client_secret", "client_secret_file", "scopes", "resource", "audience", "auth_method",
    ]
    package static let passthroughKeys = ["audience"]
    /// `delegated` takes no keys (`{}`): the tokens are in the store.
    package static let delegatedKeys: [String] = []
    /// Exactly one of these per server.
    package static let transportKeys = ["stdio", "url", "sse", "openapi"]
    package static let stdioKeys = ["command", "args", "env", "cwd"]
    package static let timeoutKeys = ["connect", "initialize", "request"]
    package static let restartKeys = ["initial_backoff", "max_backoff"]
    package static let limitsKeys = ["max_body_bytes", "max_json_depth", "max_tool_name_length", "tool_name_reserve", "max_concurrent_requests"]
    package static let sessionsKeys = ["idle_timeout", "keepalive", "max_sessions", "seal_keys", "max_lifetime"]
    package static let securityKeys = ["allowed_origins"]
    package static let demoKeys = ["http"]
    package static let policyKeys = ["default", "version", "denied_calls", "rules"]
    /// The matchers a policy rule and a quota limit share.
    package static let callMatchKeys = ["principals", "roles", "tenants", "virtual_servers", "servers", "server_labels", "tools"]
    package static let policyRuleKeys = ["id", "description", "effect"] + callMatchKeys + ["annotations", "arguments", "approval"]
    package static let approvalTermsKeys = ["approvers", "via"]
    package static let annotationMatchKeys = ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"]
    package static let argumentPredicateKeys = ["pointer", "regex", "min", "max", "equals", "one_of", "max_length"]
    package static let quotaKeys = ["costs", "limits"]
    package static let quotaLimitKeys = ["id", "per"] + callMatchKeys + ["rate", "burst", "concurrency", "daily_budget"]
    package static let virtualServerKeys = ["description", "tools", "prompts", "resources", "max_tools", "search"]
    package static let authKeys = [
        "anonymous", "anonymous_roles", "anonymous_tenant", "api_keys", "jwt", "resource", "authorization_servers", "scopes_supported",
        "certificates", "admin_roles",
    ]
    package static let jwtKeys = [
        "issuer", "jwks_url", "audiences", "algorithms", "clock_skew", "refresh_interval", "min_refresh_interval", "claims", "required_scopes",
    ]
    package static let jwtClaimKeys = ["principal", "roles", "tenant", "scopes"]
    package static let tlsKeys = ["certificate", "private_key", "client_ca", "client_certificates", "min_version"]
    package static let certificateIdentityKeys = ["principal", "roles_from", "tenant_from"]
    /// The server-name rule as a regular expression, shared with the schema.
    package static let serverNamePattern = ServerNameRule.pattern
}
