import SwitchboardCore
import Testing

@testable import Switchboard

/// Every rejection names file, line and key path; the table pins the exact prefix so that a
/// change in how locations are computed shows up as a test failure, not as a vaguer message.
@Suite struct ConfigLoaderErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let yaml: String
        var environment: [String: String] = [:]
        /// `file:line: key.path: ` — the part operators navigate by.
        let prefix: String
        /// A fragment of the message that explains the problem.
        let says: String
        var code: ConfigError.Code = .invalidValue
        var testDescription: String { prefix + says }
    }

    static let cases: [Case] = [
        // Unknown keys, with and without suggestions.
        Case(yaml: "lisen: 127.0.0.1:8080\n", prefix: "switchboard.yaml:1: lisen: ", says: #"unknown key, did you mean "listen"?"#, code: .unknownKey),
        Case(yaml: "listen: 127.0.0.1:8080\nfoo: 1\n", prefix: "switchboard.yaml:2: foo: ", says: "unknown key; expected one of listen, store", code: .unknownKey),
        Case(yaml: "limits:\n  maxBodyBytes: 1\n", prefix: "switchboard.yaml:2: limits.maxBodyBytes: ", says: #"did you mean "max_body_bytes"?"#, code: .unknownKey),
        Case(
            yaml: "servers:\n  crm:\n    url: http://h/mcp\n    timeout: {request: 5s}\n",
            prefix: "switchboard.yaml:4: servers.crm.timeout: ", says: #"did you mean "timeouts"?"#, code: .unknownKey
        ),
        Case(
            yaml: "servers:\n  time:\n    command: python3\n",
            prefix: "switchboard.yaml:3: servers.time.command: ", says: "belongs under stdio", code: .unknownKey
        ),
        Case(
            yaml: "servers:\n  time:\n    stdio: {command: python3, argv: [a]}\n",
            prefix: "switchboard.yaml:3: servers.time.stdio.argv: ", says: #"did you mean "args"?"#, code: .unknownKey
        ),
        // Duplicate keys, found by Yams (same spelling) and by the loader (different YAML types).
        Case(yaml: "listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\n", prefix: "switchboard.yaml:2: listen: ", says: "duplicate key; it is already set on line 1", code: .duplicateKey),
        Case(
            yaml: "servers:\n  crm:\n    url: http://a/mcp\n    enabled: true\n    url: http://b/mcp\n",
            prefix: "switchboard.yaml:5: servers.crm.url: ", says: "already set on line 3", code: .duplicateKey
        ),
        Case(
            yaml: "servers:\n  crm: {url: http://a/mcp}\n  other: {url: http://c/mcp}\n  crm: {url: http://b/mcp}\n",
            prefix: "switchboard.yaml:4: servers.crm: ", says: "already set on line 2", code: .duplicateKey
        ),
        Case(yaml: "\"listen\": 127.0.0.1:1\nlisten: 127.0.0.1:2\n", prefix: "switchboard.yaml:2: listen: ", says: "already set on line 1", code: .duplicateKey),
        Case(yaml: "servers: {crm: {url: \"http://a/\", url: \"http://b/\"}}\n", prefix: "switchboard.yaml:1: servers.crm.url: ", says: "already set on line 1", code: .duplicateKey),
        Case(
            yaml: "servers:\n  a: {url: http://a/, url: http://b/, url: http://c/}\n  b: {sse: http://a/, sse: http://b/}\n",
            prefix: "switchboard.yaml:2: servers.a.url: ", says: "already set on line 2", code: .duplicateKey
        ),
        Case(yaml: "servers:\n  1: {url: http://a/mcp}\n  \"1\": {url: http://b/mcp}\n", prefix: "switchboard.yaml:3: servers.1: ", says: "already set on line 2", code: .duplicateKey),
        // Transports.
        Case(
            yaml: "servers:\n  crm:\n    url: ftp://x\n",
            prefix: "switchboard.yaml:3: servers.crm.url: ", says: #"expected an http:// or https:// URL, got "ftp://x""#
        ),
        Case(yaml: "servers:\n  crm:\n    url: http://h:0/mcp\n", prefix: "switchboard.yaml:3: servers.crm.url: ", says: #"the port must be a number from 1 to 65535, got "http://h:0/mcp""#),
        Case(yaml: "servers:\n  crm:\n    url: http://h:99999/mcp\n", prefix: "switchboard.yaml:3: servers.crm.url: ", says: "from 1 to 65535"),
        Case(
            yaml: "servers:\n  crm:\n    url: http://a/mcp\n    sse: http://a/sse\n",
            prefix: "switchboard.yaml:4: servers.crm.sse: ", says: #"exactly one transport, and "url" is already set"#
        ),
        Case(yaml: "servers:\n  crm:\n    enabled: true\n", prefix: "switchboard.yaml:2: servers.crm: ", says: "set exactly one of stdio, url, sse or openapi", code: .missingKey),
        Case(yaml: "servers:\n  crm:\n", prefix: "switchboard.yaml:2: servers.crm: ", says: "set exactly one of stdio, url, sse or openapi", code: .missingKey),
        Case(
            yaml: "servers:\n  pets:\n    openapi: ./no-such-petstore.yaml\n    base_url: http://127.0.0.1:9003\n",
            prefix: "switchboard.yaml:3: servers.pets.openapi: ", says: "no-such-petstore.yaml: no such file"
        ),
        Case(yaml: "servers:\n  pets:\n    base_url: http://x\n", prefix: "switchboard.yaml:2: servers.pets: ", says: "set exactly one of stdio, url, sse or openapi", code: .missingKey),
        Case(yaml: "servers:\n  pets:\n    url: http://x\n    base_url: http://x\n", prefix: "switchboard.yaml:4: servers.pets.base_url: ", says: "base_url applies to openapi servers"),
        Case(yaml: "servers:\n  t:\n    stdio: {args: [x]}\n", prefix: "switchboard.yaml:3: servers.t.stdio: ", says: #"missing required key "command""#, code: .missingKey),
        Case(yaml: "servers:\n  t:\n    stdio: python3 -m x\n", prefix: "switchboard.yaml:3: servers.t.stdio: ", says: "expected a mapping such as"),
        Case(yaml: "servers:\n  t:\n    stdio:\n      command: x\n      args: -m x\n", prefix: "switchboard.yaml:5: servers.t.stdio.args: ", says: "expected a list, got a single value"),
        Case(yaml: "servers:\n  t:\n    stdio: {command: \"\"}\n", prefix: "switchboard.yaml:3: servers.t.stdio.command: ", says: "expected a non-empty string"),
        Case(
            yaml: "servers:\n  t:\n    stdio: {command: x}\n    headers: {A: b}\n",
            prefix: "switchboard.yaml:4: servers.t.headers: ", says: "headers apply to url, sse and openapi servers"
        ),
        Case(yaml: "servers:\n  c:\n    url: http://h/\n    headers: {Host: x}\n", prefix: "switchboard.yaml:4: servers.c.headers.Host: ", says: "set by the gateway"),
        Case(yaml: "servers:\n  c:\n    url: http://h/\n    headers: {\"Bad Name\": x}\n", prefix: "switchboard.yaml:4: servers.c.headers.Bad Name: ", says: "not a valid HTTP header name"),
        Case(
            yaml: "servers:\n  c:\n    url: http://h/\n    headers:\n      X-Key: a\n      x-key: b\n",
            prefix: "switchboard.yaml:6: servers.c.headers.x-key: ", says: "duplicate header", code: .duplicateKey
        ),
        Case(yaml: "servers: [a, b]\n", prefix: "switchboard.yaml:1: servers: ", says: "expected a mapping of keys to values, got a list"),
        // Server names.
        Case(yaml: "servers:\n  a__b: {url: http://h/}\n", prefix: "switchboard.yaml:2: servers.a__b: ", says: "cannot contain \"__\""),
        Case(yaml: "servers:\n  -a: {url: http://h/}\n", prefix: "switchboard.yaml:2: servers.-a: ", says: "starts with a letter or digit"),
        Case(yaml: "servers:\n  a_: {url: http://h/}\n", prefix: "switchboard.yaml:2: servers.a_: ", says: "cannot end with"),
        Case(yaml: "servers:\n  a.b: {url: http://h/}\n", prefix: "switchboard.yaml:2: servers.a.b: ", says: "only letters, digits"),
        Case(
            yaml: "servers:\n  \(String(repeating: "x", count: 65)): {url: http://h/}\n",
            prefix: "switchboard.yaml:2: servers.\(String(repeating: "x", count: 65)): ", says: "at most 64 characters"
        ),
        // Listen.
        Case(yaml: "listen: 127.0.0.1:70000\n", prefix: "switchboard.yaml:1: listen: ", says: #"from 0 to 65535, got "127.0.0.1:70000""#),
        Case(yaml: "listen: ::1:8080\n", prefix: "switchboard.yaml:1: listen: ", says: #"must be written in brackets, as in [::1]:8080, got "::1:8080""#),
        Case(yaml: "listen: 8080\n", prefix: "switchboard.yaml:1: listen: ", says: #"expected HOST:PORT such as 127.0.0.1:8080 or [::1]:8080, got "8080""#),
        Case(yaml: "listen: \"[::1]\"\n", prefix: "switchboard.yaml:1: listen: ", says: #"expected HOST:PORT such as 127.0.0.1:8080 or [::1]:8080, got "[::1]""#),
        Case(yaml: "listen: [::1]:8080\n", prefix: "switchboard.yaml:1: ", says: #"quote a value that starts with [, as in listen: "[::1]:8080""#, code: .syntax),
        Case(yaml: "listen:\n", prefix: "switchboard.yaml:1: listen: ", says: "expected a value, got nothing"),
        // Numbers, durations, sizes, booleans.
        Case(yaml: "servers:\n  c:\n    url: http://h/\n    timeouts: {request: 0s}\n", prefix: "switchboard.yaml:4: servers.c.timeouts.request: ", says: "must be longer than zero"),
        Case(yaml: "sessions:\n  idle_timeout: 5 sec\n", prefix: "switchboard.yaml:2: sessions.idle_timeout: ", says: #"expected a duration such as 500ms, 5s, 2m, 1h, 30d or a number of seconds, got "5 sec""#),
        Case(yaml: "sessions:\n  keepalive: -1s\n", prefix: "switchboard.yaml:2: sessions.keepalive: ", says: "must be longer than zero"),
        Case(yaml: "sessions:\n  max_sessions: 0\n", prefix: "switchboard.yaml:2: sessions.max_sessions: ", says: "must be at least 1"),
        Case(yaml: "limits:\n  max_body_bytes: 4MB\n", prefix: "switchboard.yaml:2: limits.max_body_bytes: ", says: #"expected a byte size such as 65536, 64KiB, 4MiB or 1GiB, got "4MB""#),
        Case(yaml: "limits:\n  max_json_depth: deep\n", prefix: "switchboard.yaml:2: limits.max_json_depth: ", says: "expected a whole number"),
        Case(yaml: "servers:\n  c:\n    url: http://h/\n    max_connections: -1\n", prefix: "switchboard.yaml:4: servers.c.max_connections: ", says: "must be at least 1"),
        Case(yaml: "servers:\n  c:\n    url: http://h/\n    enabled: yes\n", prefix: "switchboard.yaml:4: servers.c.enabled: ", says: #"expected true or false, got "yes""#),
        Case(
            yaml: "servers:\n  c:\n    stdio: {command: x}\n    restart: {initial_backoff: 1m}\n",
            prefix: "switchboard.yaml:4: servers.c.restart.initial_backoff: ", says: "must not be longer than max_backoff (30s by default)"
        ),
        // Store and security.
        Case(yaml: "store: mysql://u:hunter2@h/db\n", prefix: "switchboard.yaml:1: store: ", says: "expected sqlite:PATH or postgres://"),
        Case(yaml: "security:\n  allowed_origins: [https://app.example.com/]\n", prefix: "switchboard.yaml:2: security.allowed_origins[0]: ", says: "no path or trailing slash"),
        Case(yaml: "security:\n  allowed_origins:\n    - https://a.example\n    - app.example\n", prefix: "switchboard.yaml:4: security.allowed_origins[1]: ", says: "expected an origin"),
        // Environment substitution.
        Case(
            yaml: "servers:\n  crm:\n    url: http://h/mcp\n    headers:\n      Authorization: Bearer ${CRM_TOKEN}\n",
            prefix: "switchboard.yaml:5: servers.crm.headers.Authorization: ", says: "${CRM_TOKEN} is not set", code: .undefinedVariable
        ),
        Case(yaml: "listen: ${LISTEN\n", prefix: "switchboard.yaml:1: listen: ", says: "malformed ${…} reference", code: .undefinedVariable),
        Case(yaml: "listen: ${1X}\n", prefix: "switchboard.yaml:1: listen: ", says: "malformed", code: .undefinedVariable),
        Case(
            yaml: "servers:\n  crm:\n    url: ${CRM_URL}\n", environment: ["CRM_URL": "ftp://secret-host"],
            prefix: "switchboard.yaml:3: servers.crm.url: ", says: "expected an http:// or https:// URL, got the value of ${CRM_URL}"
        ),
        // What the audit trail keeps of a call.
        Case(yaml: "audit:\n  capture:\n    - result: true\n", prefix: "switchboard.yaml:3: audit.capture[0]: ", says: "missing required key \"tools\"", code: .missingKey),
        Case(yaml: "audit:\n  capture:\n    - tools: []\n", prefix: "switchboard.yaml:3: audit.capture[0].tools: ", says: "an empty list matches nothing"),
        Case(yaml: "audit:\n  capture:\n    - tools: [a]\n      max_bytes: 10\n", prefix: "switchboard.yaml:4: audit.capture[0].max_bytes: ", says: "from 64 to 1MiB"),
        Case(yaml: "audit:\n  capture:\n    - tools: [a]\n      arguments: false\n", prefix: "switchboard.yaml:3: audit.capture[0]: ", says: "would keep nothing"),
        Case(yaml: "audit:\n  capture:\n    - tools: [a]\n      redacted: [x]\n", prefix: "switchboard.yaml:4: audit.capture[0].redacted: ", says: #"did you mean "redact"?"#, code: .unknownKey),
        // The console's sign-in.
        Case(yaml: "console:\n  oidc:\n    client_id: c\n", prefix: "switchboard.yaml:2: console.oidc: ", says: "console sign-in needs auth.jwt"),
        Case(
            yaml: "auth:\n  resource: https://gw.example/mcp\n  jwt: {issuer: https://idp.example, jwks_url: https://idp.example/jwks}\nconsole:\n  oidc: {name: Okta}\n",
            prefix: "switchboard.yaml:5: console.oidc: ", says: "missing required key \"client_id\"", code: .missingKey
        ),
        Case(yaml: "console:\n  enable: false\n", prefix: "switchboard.yaml:2: console.enable: ", says: #"did you mean "enabled"?"#, code: .unknownKey),
        // Whole-file problems have no key path.
        // Guards.
        Case(yaml: "guards:\n  mode: strict\n", prefix: "switchboard.yaml:2: guards.mode: ", says: #"expected one of enforce, warn, approve, off, got "strict""#),
        Case(yaml: "guards:\n  refresh: 2s\n", prefix: "switchboard.yaml:2: guards.refresh: ", says: "refresh is at least 10s"),
        Case(yaml: "guards:\n  trust_first_use: false\n", prefix: "switchboard.yaml:2: guards.trust_first_use: ", says: "unknown key", code: .unknownKey),
        Case(
            yaml: "servers:\n  a:\n    url: http://h/mcp\n    guards: {refresh: 1m}\n", prefix: "switchboard.yaml:4: servers.a.guards.refresh: ",
            says: "unknown key; expected one of mode, trust_on_first_use, results", code: .unknownKey
        ),
        Case(yaml: "guards:\n  flow: {action: ask}\n", prefix: "switchboard.yaml:2: guards.flow.action: ", says: #"expected one of off, approve, block, got "ask""#),
        Case(yaml: "guards:\n  flow: {after: [secrets]}\n", prefix: "switchboard.yaml:2: guards.flow.after[0]: ", says: "one of injection, secret, pii"),
        Case(yaml: "guards:\n  flow: {window: 10s}\n", prefix: "switchboard.yaml:2: guards.flow.window: ", says: "window is between 1m and 7d"),
        Case(yaml: "servers:\n  a:\n    url: http://h/mcp\n    guards: {flow: {action: off}}\n", prefix: "switchboard.yaml:4: servers.a.guards.flow: ", says: "unknown key", code: .unknownKey),
        Case(yaml: "guards:\n  results: {injection: redact}\n", prefix: "switchboard.yaml:2: guards.results.injection: ", says: #"injection is one of off, warn, approve, block, got "redact""#),
        Case(yaml: "guards:\n  results: {arguments: redact}\n", prefix: "switchboard.yaml:2: guards.results.arguments: ", says: #"arguments is one of off, report, block"#),
        Case(yaml: "guards:\n  results: {tools: {a: {secrets: off}}}\n", prefix: "switchboard.yaml:2: guards.results.tools: ", says: "unknown key", code: .unknownKey),
        Case(
            yaml: "servers:\n  a:\n    url: http://h/mcp\n    guards:\n      results:\n        tools:\n          t: {secret: off}\n",
            prefix: "switchboard.yaml:7: servers.a.guards.results.tools.t.secret: ", says: #"did you mean "secrets"?"#, code: .unknownKey
        ),
        Case(yaml: "- a\n- b\n", prefix: "switchboard.yaml:1: ", says: "expected a mapping of keys to values, got a list"),
        Case(yaml: "listen: [a\n", prefix: "switchboard.yaml:2: ", says: "invalid YAML", code: .syntax),
        Case(yaml: "listen: 127.0.0.1:1\n---\nlisten: 127.0.0.1:2\n", prefix: "switchboard.yaml:2: ", says: "one YAML document", code: .syntax),
    ]

    @Test(arguments: cases)
    func rejects(_ testCase: Case) {
        #expect(throws: ConfigError.self) {
            _ = try ConfigLoader.parse(yaml: testCase.yaml, path: "switchboard.yaml", environment: testCase.environment)
        }
        do {
            _ = try ConfigLoader.parse(yaml: testCase.yaml, path: "switchboard.yaml", environment: testCase.environment)
        } catch {
            let text = error.description
            #expect(text.hasPrefix(testCase.prefix), "\(text)")
            #expect(text.dropFirst(testCase.prefix.count).contains(testCase.says), "\(text)")
            #expect(error.code == testCase.code, "\(text)")
        }
    }

    /// Secrets reach the config through variables, header values and store URLs; none of them
    /// may appear in an error an operator pastes into a ticket.
    @Test(arguments: [
        ("servers:\n  c:\n    url: ${U}\n", ["U": "http://user:hunter2@h/mcp"]),
        ("servers:\n  c:\n    url: http://user:hunter2@h/mcp\n", [:]),
        ("servers:\n  c:\n    url: http://h/\n    headers: {X-Token: \"${T}\"}\n", ["T": "hunter2\nInjected: 1"]),
        ("servers:\n  c:\n    url: http://h/\n    headers: {X-Token: \"hunter2\\r\\nX: 1\"}\n", [:]),
        ("store: mysql://root:hunter2@db/x\n", [:]),
        ("listen: ${L}\n", ["L": "hunter2"]),
        ("sessions: {keepalive: \"${K}\"}\n", ["K": "hunter2"]),
        ("servers:\n  c:\n    stdio: {command: x}\n    enabled: ${E}\n", ["E": "hunter2"]),
    ] as [(String, [String: String])])
    func neverEchoesSecrets(yaml: String, environment: [String: String]) {
        do {
            _ = try ConfigLoader.parse(yaml: yaml, path: "switchboard.yaml", environment: environment)
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("hunter2"), "\(error)")
        }
    }

    @Test func missingFileIsNamed() {
        do {
            _ = try ConfigLoader.load(path: "/nonexistent/switchboard.yaml", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "/nonexistent/switchboard.yaml: no such file")
            #expect(error.code == .unreadableFile)
        }
    }

    @Test func listenOverrideNamesItsSource() {
        do {
            _ = try ConfigLoader.parseListenAddress("localhost")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("--listen: expected HOST:PORT"))
        }
        #expect((try? ConfigLoader.parseListenAddress("[::]:0")) == ListenAddress(host: "::", port: 0))
    }
}
