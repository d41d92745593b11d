import Foundation
import Synchronization
import Testing

@testable import SwitchboardDemo
import SwitchboardTesting

/// The demo server's MCP logic, driven directly without a transport.
@Suite struct DemoServerTests {
    @Test(arguments: ProtocolRevision.allCases)
    func initializeEchoesSupportedRevision(_ revision: ProtocolRevision) async throws {
        let demo = DemoHarness()
        let result = try await demo.initialize(revision.rawValue)
        #expect(result["protocolVersion"] == .string(revision.rawValue))
        #expect(result["serverInfo"]?["name"] == "test-demo")
        let capabilities = try #require(result["capabilities"]?.objectValue)
        #expect(Set(capabilities.keys).isSuperset(of: ["tools", "resources", "prompts", "logging"]))
        #expect((capabilities["completions"] != nil) == (revision >= .v2025_03_26))
    }

    @Test func initializeOffersNewestForUnknownRevision() async throws {
        let result = try await DemoHarness().initialize("1999-01-01")
        #expect(result["protocolVersion"] == "2025-11-25")
    }

    @Test(arguments: ProtocolRevision.allCases)
    func toolsListShapeFollowsRevision(_ revision: ProtocolRevision) async throws {
        let demo = DemoHarness()
        _ = try await demo.initialize(revision.rawValue)
        let tools = try #require(try await demo.result("tools/list")["tools"]?.arrayValue)
        #expect(tools.compactMap { $0["name"]?.stringValue } == ["echo", "add", "now", "countdown", "word_count"])
        for tool in tools {
            #expect(tool["inputSchema"]?["type"] == "object")
            #expect(tool["description"]?.stringValue?.isEmpty == false)
            #expect((tool["annotations"]?["readOnlyHint"] == true) == (revision >= .v2025_03_26))
            #expect((tool["title"] != nil) == (revision >= .v2025_06_18))
        }
        let add = try #require(tools.first { $0["name"] == "add" })
        #expect((add["outputSchema"]?["properties"]?["sum"] != nil) == (revision >= .v2025_06_18))
    }

    @Test func addReturnsTextAndStructuredContent() async throws {
        let demo = DemoHarness()
        _ = try await demo.initialize("2025-06-18")
        let result = try await demo.callTool("add", ["a": 2, "b": 3])
        #expect(result["structuredContent"] == ["sum": 5])
        #expect(result["content"] == [["type": "text", "text": #"{"sum":5}"#]])
        #expect(result["isError"] == nil)
        let fractional = try await demo.callTool("add", ["a": .double(0.5), "b": 2])
        #expect(fractional["structuredContent"] == ["sum": .double(2.5)])
    }

    @Test func addOmitsStructuredContentBefore20250618() async throws {
        let demo = DemoHarness()
        _ = try await demo.initialize("2025-03-26")
        let result = try await demo.callTool("add", ["a": 2, "b": 3])
        #expect(result["structuredContent"] == nil)
        #expect(result["content"]?[0]?["text"] == #"{"sum":5}"#)
    }

    @Test func unknownToolIsInvalidParams() async throws {
        let error = try await DemoHarness().error("tools/call", ["name": "nope", "arguments": [:]])
        #expect(error["code"] == -32602)
    }

    @Test(arguments: [
        ("add", ["a": "two", "b": 3] as JSONValue),
        ("add", ["a": 1] as JSONValue),
        ("echo", ["text": "hi", "extra": 1] as JSONValue),
        ("countdown", ["seconds": 61] as JSONValue),
        ("countdown", ["seconds": .double(1.5)] as JSONValue),
        ("now", ["timezone": "Mars/Olympus_Mons"] as JSONValue),
    ])
    func badArgumentsAreToolErrors(_ tool: String, _ arguments: JSONValue) async throws {
        let result = try await DemoHarness().callTool(tool, arguments)
        #expect(result["isError"] == true)
        #expect(result["content"]?[0]?["text"]?.stringValue?.isEmpty == false)
    }

    @Test func echoNowAndWordCount() async throws {
        let demo = DemoHarness()
        #expect(try await demo.callTool("echo", ["text": "hello"])["content"]?[0]?["text"] == "hello")
        let now = try await demo.callTool("now", ["timezone": "Asia/Tokyo"])
        #expect(now["structuredContent"]?["time"] == "2023-11-15T07:13:20+09:00")
        #expect(try await demo.callTool("now", [:])["structuredContent"]?["time"] == "2023-11-14T22:13:20Z")
        let words = try await demo.callTool("word_count", ["text": "one two  three\nfour"])
        #expect(words["structuredContent"] == ["words": 4, "characters": 19, "lines": 2])
    }

    @Test func countdownReportsProgressThenLiftoff() async throws {
        let demo = DemoHarness()
        _ = try await demo.initialize("2025-11-25")
        let params: JSONValue = ["name": "countdown", "arguments": ["seconds": 3], "_meta": ["progressToken": "t1"]]
        let result = try await demo.result("tools/call", params)
        #expect(result["content"]?[0]?["text"] == "liftoff")
        let progress = demo.notifications.all
        #expect(progress.count == 3)
        #expect(progress.map { $0["params"]?["progress"] } == [1, 2, 3])
        #expect(progress.allSatisfy { $0["method"] == "notifications/progress" && $0["params"]?["total"] == 3 })
        #expect(progress.allSatisfy { $0["params"]?["progressToken"] == "t1" && $0["params"]?["message"] != nil })
    }

    @Test func countdownWithoutTokenSendsNoProgress() async throws {
        let demo = DemoHarness()
        let result = try await demo.callTool("countdown", ["seconds": 2])
        #expect(result["content"]?[0]?["text"] == "liftoff")
        #expect(demo.notifications.all.isEmpty)
    }

    @Test func cancelledCountdownStopsAndSendsNothing() async throws {
        let demo = DemoHarness(tick: .milliseconds(50))
        let request = JSONRPCRequest(
            id: .integer(7),
            method: "tools/call",
            params: ["name": "countdown", "arguments": ["seconds": 60], "_meta": ["progressToken": 1]]
        )
        async let response = demo.core.respond(to: request, in: demo.session, notify: demo.notifications.record)
        // The first tick may be seconds late at the start of a full run on a 2-core machine
        // (every suite starts at once on Swift concurrency's two threads); what is checked is
        // timed from the cancel.
        try await demo.notifications.waitForCount(1, timeout: .seconds(60))
        let cancelled = ContinuousClock.now
        demo.core.receive(method: "notifications/cancelled", params: ["requestId": 7, "reason": "test"], in: demo.session)
        #expect(await response == nil)
        #expect(ContinuousClock.now - cancelled < .seconds(1.5), "stopped well before the 3 s countdown would end")
        let sent = demo.notifications.all.count
        try await Task.sleep(for: .milliseconds(150))
        #expect(demo.notifications.all.count == sent)
    }

    @Test func protocolErrors() async throws {
        let demo = DemoHarness()
        #expect(try await demo.error("tools/unknown")["code"] == -32601)
        #expect(try await demo.error("resources/read", ["uri": 5])["code"] == -32602)
        #expect(try await demo.error("prompts/get", ["name": "explain", "arguments": [:]])["code"] == -32602)
        #expect(try await demo.error("logging/setLevel", ["level": "loud"])["code"] == -32602)
        #expect(try await demo.error("tools/list", ["cursor": "abc"])["code"] == -32602)
        #expect(try await demo.error("resources/read", ["uri": "demo://other/readme"])["code"] == -32002)
        #expect(try await demo.result("ping") == [:])
    }

    @Test(arguments: [
        ("{not json", -32700),
        ("[1, 2]", -32600),
        (#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#, -32600),
        (#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, -32600),
        (#"{"jsonrpc":"2.0","id":1}"#, -32600),
        (#"{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}"#, -32602),
    ])
    func malformedMessagesAreRejected(_ text: String, _ code: Int) {
        guard case .failure(let rejection) = JSONRPCMessage.decode(Array(text.utf8)) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(rejection.error.code == code)
    }

    @Test func resourcesPromptsAndCompletions() async throws {
        let demo = DemoHarness()
        _ = try await demo.initialize("2025-11-25")
        let resources = try await demo.result("resources/list")["resources"]
        #expect(resources?[0]?["uri"] == "demo://test-demo/readme")
        #expect(resources?[0]?["mimeType"] == "text/markdown")
        let templates = try await demo.result("resources/templates/list")["resourceTemplates"]
        #expect(templates?[0]?["uriTemplate"] == "demo://test-demo/notes/{id}")
        let note = try await demo.result("resources/read", ["uri": "demo://test-demo/notes/42"])
        #expect(note["contents"]?[0]?["text"]?.stringValue?.contains("Note 42") == true)
        let readme = try await demo.result("resources/read", ["uri": "demo://test-demo/readme"])
        #expect(readme["contents"]?[0]?["text"]?.stringValue?.hasPrefix("# test-demo") == true)

        #expect(try await demo.result("prompts/list")["prompts"]?[0]?["name"] == "explain")
        let prompt = try await demo.result("prompts/get", ["name": "explain", "arguments": ["topic": "MCP", "level": "expert"]])
        #expect(prompt["messages"]?[0]?["content"]?["text"]?.stringValue?.contains("an expert") == true)

        let levels = try await demo.result(
            "completion/complete",
            ["ref": ["type": "ref/prompt", "name": "explain"], "argument": ["name": "level", "value": "e"]]
        )
        #expect(levels["completion"]?["values"] == ["expert"])
        let ids = try await demo.result(
            "completion/complete",
            ["ref": ["type": "ref/resource", "uri": "demo://test-demo/notes/{id}"], "argument": ["name": "id", "value": "4"]]
        )
        #expect(ids["completion"]?["values"] == ["42"])
    }

    @Test func logLevelEnablesLogMessages() async throws {
        let demo = DemoHarness()
        _ = try await demo.result("logging/setLevel", ["level": "info"])
        _ = try await demo.callTool("countdown", ["seconds": 0])
        #expect(demo.notifications.all.map { $0["method"] } == ["notifications/message"])
    }

    @Test func lineFramerSplitsOnNewlinesWithALimit() {
        var framer = LineFramer(maxLineBytes: 8)
        #expect(framer.append(Array("ab\r\ncd\n\n  \nef".utf8)) == [.line(Array("ab".utf8)), .line(Array("cd".utf8))])
        #expect(framer.append(Array("gh\n".utf8)) == [.line(Array("efgh".utf8))])
        #expect(framer.append(Array("0123456789".utf8)) == [.oversized])
        #expect(framer.append(Array("xyz\nok\n".utf8)) == [.line(Array("ok".utf8))])
        #expect(framer.append(Array("tail".utf8)) == [])
        #expect(framer.finish() == [.line(Array("tail".utf8))])
    }
}

/// A core, one session and a recorder of the notifications it sends.
final class DemoHarness: Sendable {
    let core: DemoServerCore
    let session = DemoSession()
    let notifications = NotificationRecorder()
    private let nextID = Atomic<Int64>(1)

    init(tick: Duration = .milliseconds(5)) {
        let environment = DemoEnvironment(now: { Date(timeIntervalSince1970: 1_700_000_000) }, countdownTick: tick)
        core = DemoServerCore(options: DemoServerOptions(name: "test-demo"), environment: environment)
    }

    func send(_ method: String, _ params: JSONValue = [:]) async throws -> JSONValue {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let request = JSONRPCRequest(id: .integer(id), method: method, params: params.objectValue ?? [:])
        let response = try #require(await core.respond(to: request, in: session, notify: notifications.record))
        #expect(response["jsonrpc"] == "2.0")
        #expect(response["id"] == .integer(id))
        return response
    }

    func result(_ method: String, _ params: JSONValue = [:]) async throws -> JSONValue {
        try #require(try await send(method, params)["result"])
    }

    func error(_ method: String, _ params: JSONValue = [:]) async throws -> JSONValue {
        try #require(try await send(method, params)["error"])
    }

    func initialize(_ version: String) async throws -> JSONValue {
        let result = try await self.result(
            "initialize",
            ["protocolVersion": .string(version), "capabilities": [:], "clientInfo": ["name": "tests", "version": "1"]]
        )
        core.receive(method: "notifications/initialized", params: [:], in: session)
        return result
    }

    func callTool(_ name: String, _ arguments: JSONValue) async throws -> JSONValue {
        try await result("tools/call", ["name": .string(name), "arguments": arguments])
    }
}

final class NotificationRecorder: Sendable {
    private let messages = Mutex<[JSONValue]>([])

    var all: [JSONValue] { messages.withLock { $0 } }

    @Sendable func record(_ message: JSONValue) async {
        messages.withLock { $0.append(message) }
    }

    func waitForCount(_ count: Int, timeout: Duration = .seconds(5)) async throws {
        try await eventually("\(count) notifications", timeout: timeout) { self.all.count >= count }
    }
}
