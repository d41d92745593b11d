import Foundation
import SwitchboardCore
import SwitchboardTesting
import Testing

extension Interop {
    /// The audit sinks of the `switchboard` binary against receivers no one here wrote the
    /// protocol of: a webhook that fails before it recovers (nothing lost, the signature
    /// holds), syslog over TCP (RFC 5424 in octet-counted frames), and OTLP/HTTP logs decoded
    /// by opentelemetry-proto itself; then the store's index read by `audit query`, the admin
    /// API and `audit export`.
    @Suite struct AuditSinksTests {
        static func read(_ path: String) -> String {
            (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }

        static func seqs(ofJSONLines text: String, field: String = "seq") -> Set<UInt64> {
            Set(text.split(separator: "\n").compactMap { line in
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return (object?[field] as? NSNumber)?.uint64Value ?? (object?[field] as? String).flatMap { UInt64($0) }
            })
        }

        @Test func sinksGetEveryRecordThroughAnOutage() async throws {
            try PeerEnvironment.requirePeers()
            let out = PeerEnvironment.temporaryFile("audit-receivers")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: out) }
            let secret = out + "/webhook.secret"
            try Data("s3cret-for-hmac\n".utf8).write(to: URL(fileURLWithPath: secret))
            let receivers = try ChildProcessRunner(PeerEnvironment.python, [
                PeerEnvironment.path("Tests/Peers/servers/audit_receivers.py"), "--out", out, "--fail-first", "3", "--secret-file", secret,
            ])
            defer { receivers.stop() }
            let ports = try await receivers.waitForLine(prefix: "READY", seconds: 60).split(separator: " ")
            #expect(ports.count == 3)
            let (webhookPort, syslogPort, otlpPort) = (ports[0], ports[1], ports[2])

            let setup = try DemoGatewayProcess("audit-sinks", extra: """
                audit:
                  sinks:
                    - type: webhook
                      url: http://127.0.0.1:\(webhookPort)/audit
                      secret_file: \(secret)
                      batch: 4
                    - type: syslog
                      name: siem
                      address: tcp://127.0.0.1:\(syslogPort)
                    - type: otlp
                      endpoint: http://127.0.0.1:\(otlpPort)

                """)
            defer { setup.remove() }
            let gateway = try await setup.serve()
            defer { gateway.stop() }

            let http = RawHTTP(url: setup.base + "/mcp")
            let initialized = try await http.post(
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"sinks-test","version":"1"}}}"#
            )
            let session = try #require(initialized.headers["mcp-session-id"], "\(initialized.status) \(initialized.body)")
            let headers = ["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"]
            for id in 2...9 {
                let answer = try await http.post(#"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"clock__add","arguments":{"a":\#(id),"b":1}}}"#, headers: headers)
                #expect(answer.body.contains("sum"), "\(answer.body)")
            }

            // The journal's records so far, from the journal itself.
            let journal = setup.directory + "/switchboard-audit"
            let exported = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["audit", "export", "--journal", journal])
            #expect(await exported.wait(seconds: 30) == 0, "\(exported.standardError)")
            let written = Self.seqs(ofJSONLines: exported.standardOutput)
            #expect(written.count >= 18, "audit.opened, session.opened, 8 begins and 8 ends")
            let last = try #require(written.max())

            // Every sink catches up, the webhook after refusing three times; the admin API says so.
            try await eventually("every sink to deliver record \(last)", timeout: .seconds(60), every: .milliseconds(200)) {
                Self.seqs(ofJSONLines: Self.read(out + "/webhook.jsonl")).isSuperset(of: written)
                    && Self.seqs(ofJSONLines: Self.read(out + "/otlp.jsonl")).isSuperset(of: written)
                    && Self.read(out + "/syslog.txt").split(separator: "\n").count >= written.count
            }
            let status = try await curl(setup.base + "/admin/v1/audit/sinks", [])
            let sinks = try #require(try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any])["sinks"] as? [[String: Any]]
            let webhook = try #require(sinks?.first { $0["name"] as? String == "webhook" })
            #expect((webhook["failures"] as? Int ?? 0) >= 3, "\(webhook)")
            #expect(Set(sinks?.compactMap { $0["name"] as? String } ?? []) == ["store", "webhook", "siem", "otlp"])

            // The webhook's requests: NDJSON, an idempotency key naming the seq range.
            let requests = Self.read(out + "/webhook-requests.jsonl").split(separator: "\n")
            #expect(!requests.isEmpty && requests.allSatisfy { $0.contains(#""content_type": "application/x-ndjson""#) })
            #expect(requests.allSatisfy { $0.range(of: #""idempotency_key": "[0-9a-f]{32}:[0-9]+-[0-9]+""#, options: .regularExpression) != nil })
            #expect(!FileManager.default.fileExists(atPath: out + "/otlp-errors.txt"), "\(Self.read(out + "/otlp-errors.txt"))")

            // Syslog: RFC 5424 headers, the record's event as MSGID, its JSON as MSG.
            let messages = Self.read(out + "/syslog.txt").split(separator: "\n")
            let callEnd = try #require(messages.first { $0.contains(" call.end - {") })
            #expect(callEnd.range(of: #"^<134>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z \S+ switchboard \d+ call\.end - \{"seq":"#, options: .regularExpression) != nil, "\(callEnd)")

            // OTLP: the semantic-convention attributes, the event name.
            let logs = Self.read(out + "/otlp.jsonl").split(separator: "\n")
            let end = try #require(logs.first { $0.contains(#""event": "switchboard.audit.call.end""#) })
            #expect(end.contains(#""tool": "clock__add""#) && end.contains(#""service": "switchboard""#) && end.contains(#""scope": "switchboard.audit""#), "\(end)")

            // The store's index, through the CLI and the admin API.
            let query = try ChildProcessRunner(PeerEnvironment.switchboardBinary, [
                "audit", "query", "--config", setup.config, "--event", "call.end", "--tool", "clock__add", "--json",
            ])
            #expect(await query.wait(seconds: 30) == 0, "\(query.standardError)")
            #expect(query.standardOutput.split(separator: "\n").count == 8, "\(query.standardOutput)")
            let admin = try await curl(setup.base + "/admin/v1/audit?event=call.end&limit=3&since=1h", [])
            let records = try #require(try JSONSerialization.jsonObject(with: Data(admin.body.utf8)) as? [String: Any])["records"] as? [[String: Any]]
            #expect(records?.count == 3 && records?.allSatisfy { $0["tool"] as? String == "clock__add" && $0["outcome"] as? String == "ok" } == true, "\(admin.body)")
            #expect(try await curl(setup.base + "/admin/v1/audit?colour=blue", []).status == 400)
            // The gateway's own events: the server it started, a change through the admin API.
            let upstream = try await curl(setup.base + "/admin/v1/audit?event=upstream.ready&server=clock", [])
            #expect(upstream.body.contains(#""detail":"started, protocol "#), "\(upstream.body)")
            #expect(try await curl(setup.base + "/admin/v1/keys", ["-X", "DELETE"]).status == 404)
            let removal = try await curl(setup.base + "/admin/v1/credentials/nobody", ["-X", "DELETE"])
            // A page of another site posting to the gateway is refused, and that is recorded.
            let foreign = try await curl(setup.base + "/mcp", ["-X", "POST", "-H", "Origin: https://evil.example", "-H", "Content-Type: application/json", "-d", "{}"])
            #expect(foreign.status == 403)
            // The index follows the journal a moment later.
            var actions = ""
            try await eventually("the admin action in the index", timeout: .seconds(10), every: .milliseconds(100)) {
                actions = (try? await curl(setup.base + "/admin/v1/audit?event=admin.action", []))?.body ?? ""
                return actions.contains("/admin/v1/credentials/nobody")
            }
            #expect(actions.contains(#""method":"DELETE /admin/v1/credentials/nobody""#) && actions.contains(#""outcome":"\#(removal.status)""#), "\(actions)")
            #expect(actions.contains(#""principal":"local:"#) || actions.contains(#""principal":"anonymous""#), "\(actions)")
            // Written after the admin action: the index may take another moment to have it.
            var refused = ""
            try await eventually("the refusal in the index", timeout: .seconds(10), every: .milliseconds(100)) {
                refused = (try? await curl(setup.base + "/admin/v1/audit?event=request.refused", []))?.body ?? ""
                return refused.contains("origin from")
            }
            #expect(refused.contains(#""detail":"origin from 127.0.0.1""#) && refused.contains(#""method":"POST /mcp""#), "\(refused)")
            let verify = try await curl(setup.base + "/admin/v1/audit/verify", [])
            #expect(verify.body.contains(#""holds":true"#), "\(verify.body)")

            // A graceful stop: the journal's closing records reach the sinks too.
            gateway.terminate()
            #expect(await gateway.wait(seconds: 30) == 0, "\(gateway.standardError.suffix(2000))")
            try await eventually("audit.closed at every sink", timeout: .seconds(20), every: .milliseconds(200)) {
                Self.read(out + "/webhook.jsonl").contains(#""event":"audit.closed""#)
                    && Self.read(out + "/otlp.jsonl").contains("switchboard.audit.audit.closed")
                    && Self.read(out + "/syslog.txt").contains(" audit.closed - ")
            }
            let cef = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["audit", "export", "--journal", journal, "--format", "cef", "--event", "call.end"])
            #expect(await cef.wait(seconds: 30) == 0)
            let cefLines = cef.standardOutput.split(separator: "\n")
            #expect(cefLines.count == 8 && cefLines.allSatisfy { $0.hasPrefix("CEF:0|Switchboard|Switchboard|") && $0.contains("cs1=clock__add") })
        }
    }
}
