import Foundation
import SwitchboardCore
import SwitchboardTesting
import Testing

extension Interop {
    /// `/metrics` of the `switchboard` binary: scraped by a real Prometheus (Debian's) with an
    /// API key, checked by `promtool`, labelled only with what the config and catalogue hold.
    @Suite struct MetricsTests {
        @Test func prometheusScrapesTheGateway() async throws {
            try PeerEnvironment.requirePeers()
            for tool in ["prometheus", "promtool"] {
                guard FileManager.default.isExecutableFile(atPath: "/usr/bin/\(tool)") else {
                    throw HarnessError("\(tool) is missing: scripts/test.sh installs Debian's prometheus package")
                }
            }
            let setup = try DemoGatewayProcess("metrics", extra: "auth:\n  api_keys: true\n")
            defer { setup.remove() }
            let (directory, port, base) = (setup.directory, setup.port, setup.base)
            let scraper = try await setup.createKey(name: "prometheus", role: "switchboard:metrics")
            let caller = try await setup.createKey(name: "agent", role: "dev")
            let gateway = try await setup.serve()
            defer { gateway.stop() }

            // Three calls of a tool, one of a tool that does not exist.
            let http = RawHTTP(url: base + "/mcp")
            let auth = ["X-API-Key": caller]
            let initialized = try await http.post(
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"metrics-test","version":"1"}}}"#,
                headers: auth
            )
            let session = try #require(initialized.headers["mcp-session-id"], "\(initialized.status) \(initialized.body)")
            let headers = auth.merging(["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"]) { $1 }
            for id in 2...4 {
                let answer = try await http.post(#"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"clock__add","arguments":{"a":1,"b":2}}}"#, headers: headers)
                #expect(answer.body.contains("sum"), "\(answer.body)")
            }
            let unknown = try await http.post(#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"clock__no_such_tool","arguments":{}}}"#, headers: headers)
            #expect(unknown.body.contains("error") || unknown.body.contains("isError"), "\(unknown.body)")

            // Credentials: none is 401, a caller without the role 403, the scraper's key 200.
            #expect(try await curl(base + "/metrics", []).status == 401)
            #expect(try await curl(base + "/metrics", ["-H", "X-API-Key: \(caller)"]).status == 403)
            let scraped = try await curl(base + "/metrics", ["-H", "Authorization: Bearer \(scraper)"])
            #expect(scraped.status == 200)
            #expect(scraped.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            let text = scraped.body
            #expect(
                text.contains(#"mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call",error_type="",server="clock",gen_ai_tool_name="clock__add"} 3"#),
                "\(text)"
            )
            #expect(text.contains(#"mcp_client_operation_duration_seconds_count{mcp_method_name="tools/call",error_type="",server="clock"} 3"#))
            #expect(text.contains(#"switchboard_upstream_up{server="clock"} 1.0"#))
            // The unknown tool never left the gateway: refused, not begun and ended.
            #expect(text.contains(#"switchboard_audit_records_total{event="call.end"} 3"#), "\(text)")
            #expect(text.contains(#"switchboard_audit_records_total{event="call.refused"} 1"#), "\(text)")
            // A name the caller made up never becomes a label; nor does who called, or how.
            for secret in ["clock__no_such_tool", session, String(caller.dropFirst(3).prefix(12)), "agent", "metrics-test"] {
                #expect(!text.contains(secret), "\(secret) in /metrics")
            }
            // Every family is described (the catalogue has an entry for everything exported).
            let families = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
            #expect(families.count > 10)
            for family in families {
                #expect(MetricCatalogue.entries[String(family)] != nil, "\(family) has no MetricCatalogue entry")
                #expect(text.contains("# HELP \(family) "), "\(family) has no HELP")
            }
            // Every series carries only its family's catalogued labels.
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") else { continue }
                let family = String(line[..<open]).replacingOccurrences(of: "_bucket", with: "").replacingOccurrences(of: "_count", with: "")
                    .replacingOccurrences(of: "_sum", with: "")
                let names = line[line.index(after: open)..<close].split(separator: ",").compactMap { $0.split(separator: "=").first.map(String.init) }
                let allowed = Set((MetricCatalogue.entries[family]?.labels ?? []) + ["le"])
                #expect(Set(names).isSubset(of: allowed), "\(line)")
            }
            let exposition = directory + "/metrics.txt"
            try Data(text.utf8).write(to: URL(fileURLWithPath: exposition))
            let promtool = try ChildProcessRunner("/bin/sh", ["-c", "/usr/bin/promtool check metrics < '\(exposition)'"])
            #expect(await promtool.wait(seconds: 60) == 0, "\(promtool.standardOutput) \(promtool.standardError)")

            // A real Prometheus scrapes it with the key, and its API shows the series.
            let keyFile = directory + "/scrape.key"
            try Data(scraper.utf8).write(to: URL(fileURLWithPath: keyFile))
            let prometheusPort = try FreePort.next()
            let prometheusConfig = directory + "/prometheus.yml"
            try Data("""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: switchboard
                    authorization:
                      type: Bearer
                      credentials_file: \(keyFile)
                    static_configs:
                      - targets: ["127.0.0.1:\(port)"]

                """.utf8).write(to: URL(fileURLWithPath: prometheusConfig))
            let prometheus = try ChildProcessRunner("/usr/bin/prometheus", [
                "--config.file=\(prometheusConfig)", "--storage.tsdb.path=\(directory)/tsdb", "--web.listen-address=127.0.0.1:\(prometheusPort)",
            ])
            defer { prometheus.stop() }
            let query = "http://127.0.0.1:\(prometheusPort)/api/v1/query?query="
            let series = "mcp_server_operation_duration_seconds_count%7Bgen_ai_tool_name%3D%22clock__add%22%7D"
            try await eventually("Prometheus to have scraped the gateway", timeout: .seconds(60), every: .milliseconds(250)) {
                guard let answer = try? await curl(query + series, [], maxTime: 2) else { return false }
                return answer.body.contains(#""status":"success""#) && answer.body.contains(#""server":"clock""#) && answer.body.contains(#""3"]"#)
            }
            let up = try await curl(query + "up%7Bjob%3D%22switchboard%22%7D", [])
            #expect(up.body.contains(#""1"]"#), "\(up.body)")
        }
    }
}
