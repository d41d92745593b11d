import Foundation
import Testing
import SwitchboardCore
import SwitchboardTesting

extension Interop {
    /// The legacy HTTP+SSE transport toward clients (spec digest §1.2): `GET /sse`, then POSTs
    /// to the URI of the `endpoint` event, every answer an event on the stream.
    @Suite struct LegacySSEDownstreamTests {
        static let servers = [FeatureServer(name: "alpha", kind: .stdio), FeatureServer(name: "beta", kind: .http)]
        static let prefixes = ["--prefix", "alpha=stdio", "--prefix", "beta=http"]

        /// The official SDK's `sse_client` through the gateway: lists, calls, progress,
        /// sampling, cancel, list_changed, resources and prompts; elicitation is asserted from
        /// 2025-06-18 on (the SDK may offer a later revision over HTTP+SSE than the transport's
        /// own, and the gateway accepts what it negotiates). Every message validates.
        @Test(arguments: ["2024-11-05", "2025-06-18"])
        func federatesForAnHTTPAndSSEClient(_ revision: String) async throws {
            try await GatewayHarness.with(Self.servers) { gateway in
                let output = try await gateway.scenario("federation", url: gateway.sseURL, protocolVersion: revision, Self.prefixes)
                let summary = try #require(output.split(separator: "\n").last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
                #expect(summary["protocolVersion"] as? String == revision)
                let observed = try #require(summary["observed"] as? [String: Any])
                let progress = try #require(observed["progress"] as? [String: Int])
                #expect(progress.count == 2 && progress.values.allSatisfy { $0 > 0 }, "\(progress)")
                #expect((observed["sampling"] as? [String: String])?.values.allSatisfy { $0 == "ok" } == true)
                if revision >= "2025-06-18" {
                    let elicitation = try #require(observed["elicitation"] as? [String: String])
                    #expect(elicitation.values.allSatisfy { $0.contains("42") }, "\(elicitation)")
                }
                let wire = try await gateway.validateWire()
                let valid = Int(wire.split(separator: " ").first ?? "") ?? 0
                #expect(valid > 30, "\(wire)")
            }
        }

        @Test func refusesBadRequestsAndEndsTheSessionWithItsStream() async throws {
            try await GatewayHarness.with([]) { gateway in
                let base = "http://127.0.0.1:\(gateway.port)"
                let sse = RawHTTP(url: gateway.sseURL)
                #expect(try await sse.request("GET", headers: ["Origin": "http://evil.example"]).status == 403)
                #expect(try await sse.request("GET", headers: ["Accept": "application/json"]).status == 406)
                #expect(try await RawHTTP(url: base + "/messages?sessionId=0123456789abcdef0123456789abcdef").post(Self.ping(1)).status == 404)
                #expect(try await RawHTTP(url: base + "/messages").post(Self.ping(1)).status == 400)

                let stream = try await EventStream.open(gateway.sseURL)
                defer { stream.close() }
                let endpoint = try await stream.endpoint()
                #expect(endpoint.hasPrefix("/messages?sessionId="))
                let token = String(endpoint.dropFirst("/messages?sessionId=".count))
                #expect(token.count == 32 && token.allSatisfy(\.isHexDigit), "\(token)")
                let messages = RawHTTP(url: base + endpoint)

                #expect(try await messages.post(Self.ping(1), headers: ["Origin": "http://evil.example"]).status == 403)
                #expect(try await messages.post(Self.ping(1), contentType: "text/plain").status == 415)
                let unreadable = try await messages.post("{not json")
                #expect(unreadable.status == 400)
                #expect(unreadable.errorCode == -32700)
                let early = try await messages.post(Self.ping(1))
                #expect(early.status == 400, "a request before initialize")

                let initialize = try await messages.post(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#)
                #expect(initialize.status == 202)
                #expect(initialize.body.isEmpty)
                let initialized = try await stream.message(id: 1)
                #expect((initialized["result"] as? [String: Any])?["protocolVersion"] as? String == "2024-11-05")
                #expect(try await messages.post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).status == 202)
                #expect(try await messages.post(Self.ping(2)).status == 202)
                #expect(try await stream.message(id: 2)["result"] != nil)
                #expect(try await Self.sessions(base) == 1)

                stream.close()
                try? await eventually("the session to end with its stream") { try await Self.sessions(base) == 0 }
                #expect(try await Self.sessions(base) == 0, "the session outlived its stream")
                #expect(try await messages.post(Self.ping(3)).status == 404)
                _ = try await gateway.validateWire()
            }
        }

        /// An HTTP+SSE session lives as long as its stream: the idle sweep (every second here)
        /// leaves it alone however quiet it is, and keep-alive comments flow meanwhile.
        @Test func outlivesTheIdleTimeoutWhileItsStreamIsOpen() async throws {
            let sessions = SessionsConfig(idleTimeout: .seconds(1), keepAlive: .milliseconds(200))
            try await GatewayHarness.with([], sessions: sessions) { gateway in
                let base = "http://127.0.0.1:\(gateway.port)"
                let stream = try await EventStream.open(gateway.sseURL)
                defer { stream.close() }
                let messages = RawHTTP(url: base + (try await stream.endpoint()))
                #expect(try await messages.post(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#).status == 202)
                _ = try await stream.message(id: 1)
                try await Task.sleep(for: .milliseconds(3500))
                #expect(stream.curl.process.isRunning, "the stream was closed")
                #expect(stream.curl.standardOutput.contains(": keep-alive\n\n"))
                #expect(try await Self.sessions(base) == 1)
                #expect(try await messages.post(Self.ping(2)).status == 202)
                #expect(try await stream.message(id: 2)["result"] != nil)
            }
        }

        static func ping(_ id: Int) -> String { #"{"jsonrpc":"2.0","id":\#(id),"method":"ping"}"# }

        static func sessions(_ base: String) async throws -> Int? {
            try await RawHTTP(url: base + "/readyz").request("GET").json?["sessions"] as? Int
        }
    }
}

/// A `GET /sse` held open by curl, read as it arrives.
private struct EventStream {
    let curl: ChildProcessRunner

    static func open(_ url: String) async throws -> EventStream {
        EventStream(curl: try ChildProcessRunner("/usr/bin/curl", ["-s", "-N", "--max-time", "60", "-H", "Accept: text/event-stream", url]))
    }

    /// The complete events so far, as (event, data).
    var events: [(String, String)] {
        let text = curl.standardOutput
        let complete = text.hasSuffix("\n\n") ? text[...] : text[..<(text.range(of: "\n\n", options: .backwards)?.upperBound ?? text.startIndex)]
        return complete.components(separatedBy: "\n\n").compactMap { block in
            var event = "message", data: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            return data.map { (event, $0) }
        }
    }

    func endpoint() async throws -> String {
        try await waitFor("the endpoint event") { events.first { $0.0 == "endpoint" }?.1 }
    }

    /// The JSON-RPC message with `id` that arrived as a `message` event.
    func message(id: Int) async throws -> [String: Any] {
        try await waitFor("a message with id \(id)") {
            events.lazy.filter { $0.0 == "message" }
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.1.utf8)) as? [String: Any] }
                .first { $0["id"] as? Int == id }
        }
    }

    private func waitFor<T>(_ what: String, _ probe: () -> T?) async throws -> T {
        do {
            return try await eventuallyValue(what, timeout: .seconds(10), probe)
        } catch {
            throw HarnessError("no \(what) on the stream; got:\n\(curl.standardOutput.suffix(2000))")
        }
    }

    func close() { curl.stop() }
}
