import SwitchboardCore
import Testing

@testable import Switchboard

@Suite struct ConfigLoaderTests {
    /// An absolute path keeps the expected resolved paths independent of where tests run.
    let path = "/etc/switchboard/switchboard.yaml"

    func parse(_ yaml: String, _ environment: [String: String] = [:]) throws -> GatewayConfig {
        try ConfigLoader.parse(yaml: yaml, path: path, environment: environment)
    }

    @Test func emptyFileGivesDefaultsWithStoreAndAuditBesideConfig() throws {
        for yaml in ["", "# only a comment\n", "servers:\n", "servers: {}\n"] {
            let config = try parse(yaml)
            #expect(config == GatewayConfig(store: "sqlite:/etc/switchboard/switchboard.db", audit: AuditConfig(journal: "/etc/switchboard/switchboard-audit")))
            #expect(config.audit.enabled && config.audit.onFailure == .failClosed)
        }
    }

    @Test func guardsSection() throws {
        let config = try parse("""
            guards:
              rules: rules/guards.json
              refresh: 2m
              mode: warn
              trust_on_first_use: false
            servers:
              vendor:
                url: https://mcp.vendor.example/mcp
                guards: { mode: enforce }
              local:
                stdio: { command: local-server }
            """)
        #expect(config.guards == GuardsConfig(
            enabled: true, rules: "/etc/switchboard/rules/guards.json", refresh: .seconds(120), server: ServerGuardsConfig(mode: .warn, trustOnFirstUse: false)
        ))
        #expect(config.servers[0].guards == ServerGuardsConfig(mode: .enforce))
        #expect(config.servers[1].guards == ServerGuardsConfig())
        #expect(try parse("guards: {enabled: false}").guards.enabled == false)
        #expect(try parse("").guards == GuardsConfig())
    }

    @Test func approvalsSection() throws {
        #expect(try parse("").approvals == ApprovalsConfig())
        #expect(try parse("approvals: {timeout: 2h, scope: session}").approvals == ApprovalsConfig(timeout: .seconds(7200), scope: .session))
        #expect(throws: ConfigError.self) { try parse("approvals: {timeout: 5s}") }
        #expect(throws: ConfigError.self) { try parse("approvals: {scope: forever}") }
        #expect(throws: ConfigError.self) { try parse("approvals: {ttl: 1m}") }
    }

    @Test func resultGuardsFallThroughFromToolToServerToGateway() throws {
        let config = try parse("""
            guards:
              results: { pii: redact, injection: block }
            servers:
              crm:
                url: https://crm.example/mcp
                guards:
                  results:
                    secrets: block
                    tools:
                      export_contacts: { pii: block, arguments: off }
            """)
        let crm = config.servers[0].guards.results
        #expect(crm.secrets == .block)
        #expect(crm.tools["export_contacts"] == ContentGuardsConfig(pii: .block, arguments: .off))
        #expect(config.guards.content(server: crm, tool: "export_contacts") == .init(secrets: .block, pii: .block, injection: .block, arguments: .off))
        #expect(config.guards.content(server: crm, tool: "search") == .init(secrets: .block, pii: .redact, injection: .block, arguments: .report))
        #expect(try parse("").guards.content() == .init(secrets: .redact, pii: .report, injection: .warn, arguments: .report))
    }

    @Test func theFlowRuleDefaultsToApprovalAfterInstructions() throws {
        #expect(try parse("").guards.flow == FlowGuardConfig(action: .approve, after: ["injection"], window: .seconds(3600)))
        let config = try parse("guards:\n  flow: { action: block, after: [injection, secret], window: 15m }\n")
        #expect(config.guards.flow == FlowGuardConfig(action: .block, after: ["injection", "secret"], window: .seconds(900)))
    }

    @Test func auditSection() throws {
        let config = try parse("""
            audit:
              enabled: true
              journal: /var/lib/switchboard/audit
              sync_interval: 20ms
              segment_size: 1MiB
              on_failure: fail_open
              digest_key_file: keys/audit.key
              checkpoint_interval: 5m
              signing_key_file: keys/checkpoint.key
            """)
        #expect(config.audit == AuditConfig(
            journal: "/var/lib/switchboard/audit", syncInterval: .milliseconds(20), segmentBytes: 1 << 20, onFailure: .failOpen,
            digestKeyFile: "/etc/switchboard/keys/audit.key", checkpointInterval: .seconds(300), signingKeyFile: "/etc/switchboard/keys/checkpoint.key"
        ))
        #expect(throws: ConfigError.self) { try parse("audit: {checkpoint_interval: 0s}") }
        #expect(try parse("audit: {enabled: false}").audit.enabled == false)
        #expect(try parse("audit: {journal: trail}").audit.journal == "/etc/switchboard/trail")
        #expect(throws: ConfigError.self) { try parse("audit: {on_failure: shrug}") }
        #expect(throws: ConfigError.self) { try parse("audit: {segment_size: 1KiB}") }
        #expect(throws: ConfigError.self) { try parse("audit: {journals: x}") }
    }

    @Test func auditStoreAndSinks() throws {
        let config = try parse("""
            audit:
              store: {retention: 90d}
              sinks:
                - type: file
                  path: audit/copy.jsonl
                  max_size: 10MiB
                  rotate_every: 1d
                  max_files: 3
                  max_age: 30d
                - type: syslog
                  name: siem
                  address: tcp://[::1]:6514
                  format: cef
                  facility: auth
                - type: syslog
                  address: udp://logs.example.com
                - type: webhook
                  url: https://hooks.example.com/audit
                  headers: {Authorization: Bearer t}
                  batch: 100
                  timeout: 3s
                - type: otlp
                  endpoint: http://127.0.0.1:4318
            """)
        #expect(config.audit.storeIndex && config.audit.storeRetention == .seconds(90 * 86400))
        #expect(config.audit.sinks.map(\.name) == ["file", "siem", "syslog", "webhook", "otlp"])
        var file = AuditSinkConfig.File(path: "/etc/switchboard/audit/copy.jsonl")
        file.maxBytes = 10 << 20
        file.rotateEvery = .seconds(86400)
        file.maxFiles = 3
        file.maxAge = .seconds(30 * 86400)
        #expect(config.audit.sinks[0].kind == .file(file))
        var siem = AuditSinkConfig.Syslog(transport: .tcp, host: "::1", port: 6514)
        siem.format = .cef
        siem.facility = 4
        #expect(config.audit.sinks[1].kind == .syslog(siem))
        #expect(config.audit.sinks[2].kind == .syslog(AuditSinkConfig.Syslog(transport: .udp, host: "logs.example.com", port: 514)))
        guard case .webhook(let webhook) = config.audit.sinks[3].kind else { Issue.record("not a webhook"); return }
        #expect(webhook.url.host == "hooks.example.com" && webhook.batch == 100 && webhook.timeout == .seconds(3) && webhook.headers.count == 1)
        #expect(try parse("audit: {store: false}").audit.storeIndex == false)
        #expect(try parse("").audit.storeIndex, "on by default")
    }

    @Test func tracesSection() throws {
        let traces = try parse("""
            traces:
              endpoint: http://127.0.0.1:4318
              headers: {x-tenant: platform}
              sample_ratio: 0.25
              inbound: link
              include_principal: true
              service_name: gateway-eu
              timeout: 2s
            """).traces
        #expect(traces.endpoint?.port == 4318 && traces.sampleRatio == 0.25 && traces.inbound == .link && traces.includePrincipal)
        #expect(traces.serviceName == "gateway-eu" && traces.timeout == .seconds(2) && traces.headers.count == 1)
        #expect(try parse("").traces.enabled == false, "off without an endpoint")
        #expect(throws: ConfigError.self) { try parse("traces: {sample_ratio: 2}") }
        #expect(throws: ConfigError.self) { try parse("traces: {inbound: trust}") }
        #expect(throws: ConfigError.self) { try parse("traces: {endpoint: 'grpc://x:4317'}") }
    }

    @Test func tracesFromTheOpenTelemetryEnvironment() throws {
        let none = try TracesSetup.resolve(TracesConfig(), environment: [:])
        #expect(!none.enabled)
        let resolved = try TracesSetup.resolve(TracesConfig(), environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_TRACES_SAMPLER_ARG": "0.1", "OTEL_SERVICE_NAME": "edge",
            "OTEL_EXPORTER_OTLP_HEADERS": "api-key=s%20ecret,x-team=a",
        ])
        #expect(resolved.endpoint?.host == "collector" && resolved.sampleRatio == 0.1 && resolved.serviceName == "edge")
        #expect(resolved.headers.map(\.name) == ["api-key", "x-team"] && resolved.headers.first?.value == "s ecret")
        // The config's own endpoint wins over the environment.
        let configured = try TracesSetup.resolve(TracesConfig(endpoint: WebURL(scheme: "http", host: "mine", port: 4318, pathAndQuery: "/")), environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
        ])
        #expect(configured.endpoint?.host == "mine")
        #expect(throws: RuntimeError.self) { try TracesSetup.resolve(TracesConfig(), environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"]) }
        #expect(throws: RuntimeError.self) {
            try TracesSetup.resolve(TracesConfig(), environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:1", "OTEL_TRACES_SAMPLER_ARG": "half"])
        }
    }

    @Test(arguments: [
        ("audit: {sinks: [{path: x}]}", "a sink needs a type"),
        ("audit: {sinks: [{type: kafka}]}", "unknown sink type \"kafka\""),
        ("audit: {sinks: [{type: file}]}", "a file sink needs a path"),
        ("audit: {sinks: [{type: file, path: x, maxsize: 1}]}", "maxsize"),
        ("audit: {sinks: [{type: file, path: a}, {type: file, path: b}]}", "two sinks are named \"file\""),
        ("audit: {sinks: [{type: file, path: a, name: store}]}", "a sink name is up to 64"),
        ("audit: {sinks: [{type: syslog, address: 'http://x:1'}]}", "expected udp://HOST:PORT or tcp://HOST:PORT"),
        ("audit: {sinks: [{type: syslog, address: 'udp://x:1', facility: kern}]}", "unknown facility \"kern\""),
        ("audit: {sinks: [{type: webhook, url: 'ftp://x'}]}", "expected an https:// or http:// URL"),
        ("audit: {store: {retention: 0s}}", "must be longer than zero"),
    ])
    func auditSinkErrorsNameTheProblem(_ yaml: String, _ says: String) throws {
        do {
            _ = try parse(yaml)
            Issue.record("accepted: \(yaml)")
        } catch let error as ConfigError {
            #expect("\(error)".contains(says), "\(error)")
        }
    }

    @Test func metricsSection() throws {
        #expect(try parse("").metrics == MetricsConfig(enabled: true, isPublic: false, roles: ["switchboard:metrics"]))
        let config = try parse("""
            metrics:
              enabled: true
              public: true
              roles: [ops, sre]
            """)
        #expect(config.metrics == MetricsConfig(enabled: true, isPublic: true, roles: ["ops", "sre"]))
        #expect(try parse("metrics: {enabled: false}").metrics.enabled == false)
        #expect(throws: ConfigError.self) { try parse("metrics: {public: sometimes}") }
        #expect(throws: ConfigError.self) { try parse("metrics: {port: 9090}") }
    }

    @Test func logSection() throws {
        #expect(try parse("").log.format == .text)
        #expect(try parse("log: {format: json}").log.format == .json)
        #expect(throws: ConfigError.self) { try parse("log: {format: yaml}") }
        #expect(throws: ConfigError.self) { try parse("log: {level: debug}") }
    }

    @Test func everyKey() throws {
        let config = try parse(
            """
            listen: 0.0.0.0:9000
            store: sqlite:data/gateway.db
            servers:
              time:
                stdio:
                  command: python3
                  args: ["-m", mcp_server_time, 42]
                  env: {TZ: UTC, EMPTY: ""}
                  cwd: ../work
                enabled: false
                timeouts: {connect: 2s, initialize: 1m, request: 0.5}
                restart: {initial_backoff: 100ms, max_backoff: 1h}
                max_message_bytes: 1MiB
              crm:
                url: http://127.0.0.1:9001/mcp?tenant=a
                headers:
                  Authorization: Bearer abc
                  X-Trace: 1
                max_connections: 4
              legacy:
                sse: http://[::1]:9002/sse
            limits:
              max_body_bytes: 64KiB
              max_json_depth: 32
              max_tool_name_length: 64
              max_concurrent_requests: 8
            sessions:
              idle_timeout: 10m
              keepalive: 5s
              max_sessions: 100
            security:
              allowed_origins: [HTTPS://App.Example.com, "http://localhost:3000"]
            """
        )
        #expect(config.listen == ListenAddress(host: "0.0.0.0", port: 9000))
        #expect(config.store == "sqlite:/etc/switchboard/data/gateway.db")
        #expect(config.servers.map(\.name) == ["time", "crm", "legacy"])

        let time = config.servers[0]
        #expect(
            time.transport
                == .stdio(
                    StdioLaunch(
                        command: "python3", args: ["-m", "mcp_server_time", "42"], env: ["TZ": "UTC", "EMPTY": ""],
                        cwd: "/etc/work"
                    )
                )
        )
        #expect(time.enabled == false)
        #expect(time.timeouts == ServerTimeouts(connect: .seconds(2), initialize: .seconds(60), request: .milliseconds(500)))
        #expect(time.restart == RestartPolicy(initialBackoff: .milliseconds(100), maxBackoff: .seconds(3600)))
        #expect(time.maxMessageBytes == 1_048_576)

        let crm = config.servers[1]
        #expect(crm.transport == .streamableHTTP(HTTPEndpoint(host: "127.0.0.1", port: 9001, pathAndQuery: "/mcp?tenant=a")))
        #expect(crm.headers == [HTTPHeaderField(name: "Authorization", value: "Bearer abc"), HTTPHeaderField(name: "X-Trace", value: "1")])
        #expect(crm.maxConnections == 4)
        #expect(crm.enabled)
        #expect(crm.timeouts == ServerTimeouts())

        #expect(config.servers[2].transport == .sse(HTTPEndpoint(host: "::1", port: 9002, pathAndQuery: "/sse")))
        #expect(config.limits == LimitsConfig(maxBodyBytes: 65536, maxJSONDepth: 32, maxToolNameLength: 64, maxConcurrentRequestsPerSession: 8))
        #expect(config.sessions == SessionsConfig(idleTimeout: .seconds(600), keepAlive: .seconds(5), maxSessions: 100))
        #expect(config.security.allowedOrigins == ["https://app.example.com", "http://localhost:3000"])
    }

    @Test(arguments: [
        ("\"[::1]:8080\"", ListenAddress(host: "::1", port: 8080)),
        ("\"[::]:0\"", ListenAddress(host: "::", port: 0)),
        ("'[fe80::1%eth0]:80'", ListenAddress(host: "fe80::1%eth0", port: 80)),
        ("localhost:65535", ListenAddress(host: "localhost", port: 65535)),
        ("0.0.0.0:0", ListenAddress(host: "0.0.0.0", port: 0)),
    ])
    func listenAddresses(_ text: String, _ expected: ListenAddress) throws {
        #expect(try parse("listen: \(text)\n").listen == expected)
    }

    @Test func ipv6ListenPrintsWithBrackets() throws {
        #expect(try parse("listen: '[::1]:8080'\n").listen.description == "[::1]:8080")
    }

    @Test func relativePathsResolveAgainstTheConfigFolder() throws {
        let yaml = """
            store: sqlite:./state/../gw.db
            servers:
              rel: {stdio: {command: ./bin/server, cwd: srv}}
              abs: {stdio: {command: server, cwd: /opt/srv/}}
            """
        let config = try parse(yaml)
        #expect(config.store == "sqlite:/etc/switchboard/gw.db")
        // The command is never resolved: a relative command is relative to cwd at spawn, a bare name uses PATH.
        #expect(config.servers[0].transport == .stdio(StdioLaunch(command: "./bin/server", cwd: "/etc/switchboard/srv")))
        #expect(config.servers[1].transport == .stdio(StdioLaunch(command: "server", cwd: "/opt/srv")))

        let other = try parse("store: postgres://u:p@db:5432/gw\n")
        #expect(other.store == "postgres://u:p@db:5432/gw")
        #expect(try parse("store: \"sqlite::memory:\"\n").store == "sqlite::memory:")
    }

    @Test func relativeConfigPathResolvesAgainstTheWorkingDirectory() throws {
        let config = try ConfigLoader.parse(yaml: "servers:\n  s: {stdio: {command: x, cwd: .}}\n", path: "conf/sb.yaml", environment: [:])
        guard case .stdio(let launch) = config.servers[0].transport, let cwd = launch.cwd else {
            Issue.record("expected a stdio server with cwd")
            return
        }
        #expect(cwd.hasPrefix("/") && cwd.hasSuffix("/conf"))
    }

    @Test func substitutesEnvironmentInEveryScalar() throws {
        let yaml = """
            listen: ${HOST:-127.0.0.1}:${PORT}
            servers:
              crm:
                url: http://${CRM_HOST}/mcp
                headers: {Authorization: "Bearer ${CRM_TOKEN}"}
                enabled: ${CRM_ENABLED:-true}
                max_connections: ${CRM_CONNS}
                timeouts: {request: "${CRM_TIMEOUT:-2m}"}
              tool:
                stdio:
                  command: ${SWITCHBOARD_BIN}
                  args: ["$${NOT_A_VARIABLE}", "cost: $5", "${EMPTY:-fallback}"]
                  env: {TOKEN: "${CRM_TOKEN}"}
            """
        let environment = [
            "PORT": "9100", "CRM_HOST": "crm.internal:8000", "CRM_TOKEN": "s3cret: #not-a-comment",
            "CRM_CONNS": "3", "SWITCHBOARD_BIN": "/usr/local/bin/switchboard", "EMPTY": "",
        ]
        let config = try parse(yaml, environment)
        #expect(config.listen == ListenAddress(host: "127.0.0.1", port: 9100))
        let crm = config.servers[0]
        #expect(crm.transport == .streamableHTTP(HTTPEndpoint(host: "crm.internal", port: 8000, pathAndQuery: "/mcp")))
        // A substituted value is never parsed as YAML, so `:` and `#` stay in the value.
        #expect(crm.headers == [HTTPHeaderField(name: "Authorization", value: "Bearer s3cret: #not-a-comment")])
        #expect(crm.enabled)
        #expect(crm.maxConnections == 3)
        #expect(crm.timeouts.request == .seconds(120))
        #expect(
            config.servers[1].transport
                == .stdio(
                    StdioLaunch(
                        command: "/usr/local/bin/switchboard", args: ["${NOT_A_VARIABLE}", "cost: $5", "fallback"],
                        env: ["TOKEN": "s3cret: #not-a-comment"]
                    )
                )
        )
    }

    @Test func quotedNumbersAndPlainNumbersAreTheSame() throws {
        let config = try parse("limits: {max_json_depth: \"12\", max_body_bytes: '100'}\nsessions: {keepalive: \"2\"}\n")
        #expect(config.limits.maxJSONDepth == 12)
        #expect(config.limits.maxBodyBytes == 100)
        #expect(config.sessions.keepAlive == .seconds(2))
    }

    @Test func mergeKeysShareSettingsAndExplicitKeysWin() throws {
        let yaml = """
            servers:
              a:
                url: http://a/mcp
                timeouts: &fast {connect: 1s, request: 5s}
              b:
                url: http://b/mcp
                timeouts:
                  <<: *fast
                  request: 9s
            """
        let config = try parse(yaml)
        #expect(config.servers[1].timeouts == ServerTimeouts(connect: .seconds(1), initialize: .seconds(30), request: .seconds(9)))
    }

    @Test func substitutionEnvironmentAddsTheRunningExecutable() {
        let environment = ConfigLoader.substitutionEnvironment(
            processEnvironment: ["PATH": "/bin", "SWITCHBOARD_BIN": "/stale"],
            executablePath: "/opt/switchboard/bin/switchboard"
        )
        #expect(environment == ["PATH": "/bin", "SWITCHBOARD_BIN": "/opt/switchboard/bin/switchboard"])
        #expect(ConfigLoader.substitutionEnvironment()[ConfigLoader.executableVariable]?.hasPrefix("/") == true)
    }
}
