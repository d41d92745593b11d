import Foundation
import SwitchboardCore
import SwitchboardTesting
import Testing

extension Interop {
    /// Traces of the `switchboard` binary: its spans decoded by opentelemetry-proto's own
    /// ExportTraceServiceRequest, and the Python SDK servers behind it (one legacy, one
    /// 2026-07-28) reporting the `traceparent` their request carried, whose parent must be the
    /// gateway's CLIENT span, in the client's trace.
    @Suite struct TracesTests {
        static func jsonLines(_ path: String) -> [[String: Any]] {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        @Test func spansReachTheCollectorAndTheServersSeeTheGatewaysSpan() async throws {
            try PeerEnvironment.requirePeers()
            let out = PeerEnvironment.temporaryFile("trace-receivers")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: out) }
            let receivers = try ChildProcessRunner(PeerEnvironment.python, [PeerEnvironment.path("Tests/Peers/servers/audit_receivers.py"), "--out", out])
            defer { receivers.stop() }
            let otlpPort = try #require(try await receivers.waitForLine(prefix: "READY", seconds: 60).split(separator: " ").last)

            let servers = [
                FeatureServer(name: "alpha", kind: .http, extraArguments: ["--trace-tool", "--era", "legacy"]),
                FeatureServer(name: "beta", kind: .http, extraArguments: ["--trace-tool", "--era", "modern"]),
            ]
            let (configs, children) = try await servers.launchAll()
            defer { children.forEach { $0.stop() } }
            let port = try FreePort.next()
            let config = out + "/switchboard.yaml"
            _ = try ConfigFile.write(configs, listen: "127.0.0.1:\(port)", extra: "traces:\n  endpoint: http://127.0.0.1:\(otlpPort)\n", at: config)
            let gateway = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["serve", "--config", config])
            defer { gateway.stop() }
            try await eventually("the gateway to serve both servers", timeout: .seconds(60), every: .milliseconds(100)) {
                (try? await curl("http://127.0.0.1:\(port)/readyz", [], maxTime: 1))?.body.contains(#""state":"ready""#) == true
            }

            let http = RawHTTP(url: "http://127.0.0.1:\(port)/mcp")
            let initialized = try await http.post(
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"traces-test","version":"1"}}}"#
            )
            let session = try #require(initialized.headers["mcp-session-id"], "\(initialized.status) \(initialized.body)")
            let headers = ["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-11-25"]
            let trace = "4bf92f3577b34da6a3ce929d0e0e4736"
            let clientSpan = "00f067aa0ba902b7"
            var seen: [String: [String: Any]] = [:]
            for (id, server) in [(2, "alpha"), (3, "beta")] {
                let meta = #""_meta":{"traceparent":"00-\#(trace)-\#(clientSpan)-01","tracestate":"vendor=opaque"}"#
                let answer = try await http.post(
                    #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(server)__trace_context","arguments":{},\#(meta)}}"#, headers: headers
                )
                // The tool's text is a JSON object; the answer may come as SSE.
                let text = try #require(answer.body.range(of: #"\{\\"traceparent\\".*?\}"#, options: .regularExpression).map { String(answer.body[$0]) }, "\(answer.body)")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(text.replacingOccurrences(of: "\\\"", with: "\"").utf8)) as? [String: Any])
                seen[server] = object
            }
            for (server, object) in seen {
                let upstream = try #require(object["traceparent"] as? String, "\(server): \(object)")
                let parsed = try #require(TraceParent(upstream))
                #expect(parsed.traceID == trace && parsed.sampled, "\(server) is in the client's trace")
                #expect(TraceParent.hex(parsed.spanID) != clientSpan, "\(server)'s parent is the gateway's span, not the client's")
                #expect(object["tracestate"] as? String == "vendor=opaque")
            }
            for server in ["alpha", "beta"] {
                #expect(seen[server]?["header"] as? String == seen[server]?["traceparent"] as? String, "over HTTP the header says the same (\(server))")
            }

            // Without `_meta.traceparent`, the HTTP request's `traceparent` header stands in.
            let headerTrace = "0af7651916cd43dd8448eb211c80319c"
            let viaHeader = try await http.post(
                #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"alpha__trace_context","arguments":{}}}"#,
                headers: headers.merging(["traceparent": "00-\(headerTrace)-b7ad6b7169203331-01"]) { $1 }
            )
            let headerText = try #require(viaHeader.body.range(of: #"\{\\"traceparent\\".*?\}"#, options: .regularExpression).map { String(viaHeader.body[$0]) }, "\(viaHeader.body)")
            let headerObject = try #require(try JSONSerialization.jsonObject(with: Data(headerText.replacingOccurrences(of: "\\\"", with: "\"").utf8)) as? [String: Any])
            let headerParent = try #require((headerObject["traceparent"] as? String).flatMap(TraceParent.init), "\(headerObject)")
            #expect(headerParent.traceID == headerTrace && TraceParent.hex(headerParent.spanID) != "b7ad6b7169203331")
            #expect(headerObject["header"] as? String == headerObject["traceparent"] as? String, "the client's header is replaced, not forwarded")

            // The spans: per call a SERVER span, child of the client's, and its CLIENT span,
            // the parent of what the server saw.
            try await eventually("the spans of both calls", timeout: .seconds(30), every: .milliseconds(200)) {
                Self.jsonLines(out + "/spans.jsonl").filter { ($0["name"] as? String)?.hasPrefix("tools/call") == true }.count >= 4
            }
            let spans = Self.jsonLines(out + "/spans.jsonl")
            #expect(!FileManager.default.fileExists(atPath: out + "/otlp-errors.txt"))
            for server in ["alpha", "beta"] {
                let name = "tools/call \(server)__trace_context"
                let serverSpan = try #require(spans.first { $0["name"] as? String == name && $0["kind"] as? Int == 2 && $0["trace_id"] as? String == trace }, "\(spans)")
                let clientSide = try #require(spans.first { $0["name"] as? String == name && $0["kind"] as? Int == 3 && $0["trace_id"] as? String == trace })
                #expect(serverSpan["trace_id"] as? String == trace && serverSpan["parent_span_id"] as? String == clientSpan)
                #expect(serverSpan["service"] as? String == "switchboard" && serverSpan["trace_state"] as? String == "vendor=opaque")
                let attributes = try #require(serverSpan["attributes"] as? [String: Any])
                #expect(attributes["mcp.method.name"] as? String == "tools/call" && attributes["gen_ai.tool.name"] as? String == "\(server)__trace_context")
                #expect(attributes["gen_ai.operation.name"] as? String == "execute_tool" && attributes["switchboard.server"] as? String == server)
                #expect(clientSide["parent_span_id"] as? String == serverSpan["span_id"] as? String && clientSide["trace_id"] as? String == trace)
                let upstreamText = try #require(seen[server]?["traceparent"] as? String)
                let upstream = try #require(TraceParent(upstreamText))
                #expect(clientSide["span_id"] as? String == TraceParent.hex(upstream.spanID), "the server's parent is the CLIENT span")
                #expect((serverSpan["start"] as? Int ?? 0) <= (clientSide["start"] as? Int ?? 0) && (clientSide["end"] as? Int ?? 0) <= (serverSpan["end"] as? Int ?? 0))
            }

            // The audit trail names the trace.
            let query = try ChildProcessRunner(PeerEnvironment.switchboardBinary, ["audit", "query", "--config", config, "--event", "call.end", "--json"])
            #expect(await query.wait(seconds: 30) == 0, "\(query.standardError)")
            let ends = query.standardOutput.split(separator: "\n")
            #expect(ends.count == 3 && ends.filter { $0.contains(#""trace_id":"\#(trace)""#) }.count == 2, "\(query.standardOutput)")
            #expect(ends.contains { $0.contains(#""trace_id":"\#(headerTrace)""#) }, "\(query.standardOutput)")
        }
    }
}
