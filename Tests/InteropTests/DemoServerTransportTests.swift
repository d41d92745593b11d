#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import SwitchboardTesting
import Testing

@testable import SwitchboardDemo

/// The demo server's transports on real file descriptors and sockets: stdio over pipes, and
/// Streamable HTTP on 127.0.0.1 driven by `curl`. Every exchange is bounded by a timeout.
@Suite struct DemoServerTransportTests {
    static let accept = "Accept: application/json, text/event-stream"
    static let json = "Content-Type: application/json"

    @Test func httpHandshakeAndToolCall() async throws {
        try await withDemoHTTPServer { url in
            let initialize = try await curl(url, post: Self.initialize("2025-06-18"))
            #expect(initialize.status == 200)
            #expect(initialize.headers["content-type"] == "application/json")
            let session = try #require(initialize.headers["mcp-session-id"])
            #expect(!session.isEmpty && session.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) })
            #expect(initialize.json?["result"]?["protocolVersion"] == "2025-06-18")

            let headers = ["Mcp-Session-Id: \(session)", "MCP-Protocol-Version: 2025-06-18"]
            let initialized = try await curl(url, post: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, headers)
            #expect(initialized.status == 202)
            #expect(initialized.body.isEmpty)

            let list = try await curl(url, post: #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, headers)
            #expect(list.status == 200)
            #expect(list.json?["result"]?["tools"]?.arrayValue?.count == 5)

            let add = try await curl(
                url,
                post: #"{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}"#,
                headers
            )
            #expect(add.json?["id"] == "a")
            #expect(add.json?["result"]?["structuredContent"] == ["sum": 3])
        }
    }

    @Test func httpCountdownStreamsProgressThenResponse() async throws {
        try await withDemoHTTPServer { url in
            let session = try await Self.openSession(url)
            let call = try await curl(
                url,
                post: #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"countdown","arguments":{"seconds":3},"_meta":{"progressToken":"p"}}}"#,
                ["Mcp-Session-Id: \(session)"]
            )
            #expect(call.status == 200)
            #expect(call.headers["content-type"] == "text/event-stream")
            let events = call.events
            #expect(events.count == 4)
            #expect(events.prefix(3).map { $0["params"]?["progress"] } == [1, 2, 3])
            #expect(events.last?["id"] == 9)
            #expect(events.last?["result"]?["content"]?[0]?["text"] == "liftoff")
        }
    }

    @Test func httpCancelledCountdownEndsWithoutResponse() async throws {
        // 60 ticks of 200 ms: 12 s to run out, so an answer within 10 s was cut short.
        try await withDemoHTTPServer(countdownTick: .milliseconds(200)) { url in
            let session = try await Self.openSession(url)
            let started = ContinuousClock.now
            async let call = curl(
                url,
                post: #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"countdown","arguments":{"seconds":60},"_meta":{"progressToken":1}}}"#,
                ["Mcp-Session-Id: \(session)"]
            )
            // Long enough for the call to have reached the server and sent progress even when curl
            // starts late on a loaded machine (300 ms at 20 ms a tick was not, once in CI).
            try await Task.sleep(for: .milliseconds(1500))
            let cancel = try await curl(
                url,
                post: #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5}}"#,
                ["Mcp-Session-Id: \(session)"]
            )
            #expect(cancel.status == 202)
            let events = try await call.events
            #expect(!events.isEmpty)
            #expect(events.allSatisfy { $0["method"] == "notifications/progress" }, "\(events)")
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test func httpRefusesBadRequests() async throws {
        try await withDemoHTTPServer(maxMessageBytes: 2048) { url in
            let session = try await Self.openSession(url)
            let ping = #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
            let cases: [(String, [String], Int)] = [
                (ping, [], 400),
                (ping, ["Mcp-Session-Id: unknown"], 404),
                (ping, ["Mcp-Session-Id: \(session)", "MCP-Protocol-Version: 1999-01-01"], 400),
                (ping, ["Mcp-Session-Id: \(session)", "Origin: http://evil.example"], 403),
                (ping, ["Mcp-Session-Id: \(session)", "Origin: null"], 403),
                (ping, ["Mcp-Session-Id: \(session)", "Origin: http://localhost:6274"], 200),
                (ping, ["Mcp-Session-Id: \(session)", "Host: example.com"], 200),
                (ping, ["Mcp-Session-Id: \(session)", "Content-Type: text/plain"], 415),
                (ping, ["Mcp-Session-Id: \(session)", "Accept: application/json"], 406),
                (ping, ["Mcp-Session-Id: \(session)", "Accept: */*"], 200),
                ("{oops", ["Mcp-Session-Id: \(session)"], 400),
                (String(repeating: " ", count: 4096) + ping, ["Mcp-Session-Id: \(session)"], 413),
            ]
            for (body, headers, status) in cases {
                let response = try await curl(url, post: body, headers)
                #expect(response.status == status, "\(headers)")
            }
            let parseError = try await curl(url, post: "{oops", ["Mcp-Session-Id: \(session)"])
            #expect(parseError.json?["error"]?["code"] == -32700)
            #expect(try await curl(url, ["-X", "PUT"]).status == 405)
            #expect(try await curl(url.replacingOccurrences(of: "/mcp", with: "/other"), []).status == 404)
            #expect(try await curl(url, ["-H", "Accept: text/event-stream"]).status == 400)
        }
    }

    @Test func httpGetStreamKeepsAliveUntilDelete() async throws {
        try await withDemoHTTPServer(keepAliveInterval: .milliseconds(100)) { url in
            let session = try await Self.openSession(url)
            // The stream read as it comes (curl -N), so the DELETE goes only once a keep-alive
            // arrived, however long a loaded machine takes to start curl.
            let stream = try ChildProcessRunner("/usr/bin/env", [
                "curl", "-sSiN", "--max-time", "10", "-H", "Accept: text/event-stream", "-H", "Mcp-Session-Id: \(session)", url,
            ])
            defer { stream.stop() }
            try await eventually("a keep-alive on the stream", timeout: .seconds(10), every: .milliseconds(20)) {
                stream.standardOutput.contains(": keep-alive\n\n")
            }
            let delete = try await curl(url, ["-X", "DELETE", "-H", "Mcp-Session-Id: \(session)"])
            #expect(delete.status == 200)
            let started = ContinuousClock.now
            #expect(await stream.wait(seconds: 5) == 0, "the stream ends when its session does")
            #expect(ContinuousClock.now - started < .seconds(5))
            let head = stream.standardOutput.lowercased()
            #expect(head.hasPrefix("http/1.1 200") && head.contains("content-type: text/event-stream"), "\(stream.standardOutput)")
            let after = try await curl(url, post: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, ["Mcp-Session-Id: \(session)"])
            #expect(after.status == 404)
        }
    }

    @Test func stdioCancelsLongRequestsShortlyAfterEndOfInput() async throws {
        let input = try ClosingPipe()
        let output = try ClosingPipe()
        var transport = StdioTransport(
            core: DemoServerCore(options: DemoServerOptions(), environment: DemoEnvironment(countdownTick: .seconds(1))),
            input: FileDescriptorIO(descriptor: input.fileHandleForReading.fileDescriptor),
            output: FileDescriptorIO(descriptor: output.fileHandleForWriting.fileDescriptor),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        // Long enough for the ping to be answered on a loaded 2-core machine, far below the
        // countdown's 60 s.
        transport.drainTimeout = .milliseconds(1500)
        let drainingTransport = transport
        let call = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"countdown","arguments":{"seconds":60}}}"#
        input.fileHandleForWriting.write(Data((call + "\n" + #"{"jsonrpc":"2.0","id":2,"method":"ping"}"# + "\n").utf8))
        try input.fileHandleForWriting.close()
        let started = ContinuousClock.now
        try await withDemoTimeout(.seconds(50)) { try await drainingTransport.run() }
        // Well below the countdown's 60 s, which is what this tells apart; with room for a
        // 2-core machine busy with the rest of the suite (15 s was exceeded there once, at
        // 17.4 s, with the drain itself 1.5 s: the rest was waiting for a thread).
        #expect(ContinuousClock.now - started < .seconds(40))
        try output.fileHandleForWriting.close()
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        #expect(lines.map { JSONValue(parsing: Array($0.utf8))?["id"] } == [2], "the cancelled countdown sends nothing")
    }

    @Test func sessionRegistryEndsOldestPastItsLimit() {
        let registry = HTTPSessionRegistry(limit: 2)
        let sessions = (0..<3).map { _ in registry.makeSession() }
        sessions.forEach(registry.register)
        #expect(registry.session(sessions[0].id) == nil)
        #expect(sessions[0].openStream(AsyncStream.makeStream(of: Void.self).continuation) == nil)
        #expect(registry.session(sessions[2].id) === sessions[2])
        #expect(Set(sessions.map(\.id)).count == 3)
    }

    @Test func stdioServesLinesUntilEndOfInput() async throws {
        let input = try ClosingPipe()
        let output = try ClosingPipe()
        let transport = StdioTransport(
            core: DemoServerCore(
                options: DemoServerOptions(name: "piped", maxMessageBytes: 1024),
                environment: DemoEnvironment(countdownTick: .milliseconds(10))
            ),
            input: FileDescriptorIO(descriptor: input.fileHandleForReading.fileDescriptor),
            output: FileDescriptorIO(descriptor: output.fileHandleForWriting.fileDescriptor),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let lines = [
            Self.initialize("2024-11-05"),
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"countdown","arguments":{"seconds":2},"_meta":{"progressToken":7}}}"#,
            "not json",
            "{" + String(repeating: " ", count: 2000) + "}",
            #"{"jsonrpc":"2.0","id":3,"method":"resources/list"}"#,
        ]
        input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        try await withDemoTimeout(.seconds(10)) { try await transport.run() }
        try output.fileHandleForWriting.close()
        let messages = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: "\n").map { JSONValue(parsing: Array($0.utf8)) }
        #expect(messages.count == 7)
        #expect(messages.first??["result"]?["protocolVersion"] == "2024-11-05")
        #expect(messages.filter { $0?["error"]?["code"] == -32700 }.count == 1)
        #expect(messages.filter { $0?["error"]?["code"] == -32600 }.count == 1)
        #expect(messages.contains { $0?["result"]?["resources"]?[0]?["uri"] == "demo://piped/readme" })
        let countdown = messages.filter { $0?["method"] == "notifications/progress" || $0?["id"] == 2 }
        #expect(countdown.map { $0?["params"]?["progress"] } == [1, 2, nil])
        #expect(countdown.first??["params"]?["message"] == nil, "2024-11-05 has no progress message")
    }
}

extension DemoServerTransportTests {
    static func initialize(_ version: String) -> String {
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"\#(version)","capabilities":{},"clientInfo":{"name":"tests","version":"1"}}}"#
    }

    static func openSession(_ url: String) async throws -> String {
        let response = try await curl(url, post: initialize("2025-11-25"))
        return try #require(response.headers["mcp-session-id"])
    }
}

/// Runs a demo HTTP server on 127.0.0.1 with a free port around `body`, then stops it.
func withDemoHTTPServer(
    maxMessageBytes: Int = 4 * 1024 * 1024,
    keepAliveInterval: Duration = .seconds(15),
    countdownTick: Duration = .milliseconds(20),
    _ body: @escaping @Sendable (_ url: String) async throws -> Void
) async throws {
    let options = DemoServerOptions(name: "http-demo", port: 0, maxMessageBytes: maxMessageBytes, keepAliveInterval: keepAliveInterval)
    let server = DemoHTTPServer(
        core: DemoServerCore(options: options, environment: DemoEnvironment(countdownTick: countdownTick)),
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    )
    let (ports, listening) = AsyncStream.makeStream(of: Int.self)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run { _, port in listening.yield(port) } }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await withDemoTimeout(.seconds(30)) { try await body("http://127.0.0.1:\(port)/mcp") }
        group.cancelAll()
    }
}

/// A one-way channel whose descriptors are close-on-exec: `curl` processes spawned by tests running
/// in parallel must not inherit the write end, or the reader would never see end of input.
struct ClosingPipe {
    let fileHandleForReading: FileHandle
    let fileHandleForWriting: FileHandle

    init() throws {
        var descriptors: [Int32] = [0, 0]
        // pipe2 is not exported to Swift; a Unix socket pair can be made close-on-exec atomically.
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &descriptors) == 0 else { throw CocoaError(.fileReadUnknown) }
        fileHandleForReading = FileHandle(fileDescriptor: descriptors[0], closeOnDealloc: true)
        fileHandleForWriting = FileHandle(fileDescriptor: descriptors[1], closeOnDealloc: true)
    }
}

func withDemoTimeout(_ limit: Duration, _ body: @Sendable @escaping () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            try await body()
            return true
        }
        group.addTask {
            try await Task.sleep(for: limit)
            return false
        }
        let finished = try await group.next() ?? false
        group.cancelAll()
        if !finished { Issue.record("timed out after \(limit)") }
    }
}
