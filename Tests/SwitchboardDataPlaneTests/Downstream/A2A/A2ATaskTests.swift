import NIOCore
import SwitchboardCore
import SwitchboardPolicy
import Synchronization
import Testing

@testable import SwitchboardDataPlane

/// A2A tasks alone: who may see them, how they move, what followers hear, how the table
/// stays bounded; and what the wire looks like in both revisions. No sockets.
@Suite struct A2ATaskTests {
    static let alice = RequestCaller(principal: Principal(kind: .apiKey, name: "alice"))
    static let bob = RequestCaller(principal: Principal(kind: .apiKey, name: "bob"))

    static func task(_ id: String = "t1", owner: RequestCaller = alice, virtualServer: String? = nil) -> A2ATask {
        A2ATask(id: id, contextID: "c1", owner: owner.principal.id, virtualServer: virtualServer, skill: "alpha__echo")
    }

    @Test func onlyItsOwnerOnItsAgentSeesATask() {
        let tasks = A2ATasks()
        #expect(tasks.add(Self.task("t1")))
        #expect(tasks.add(Self.task("t2", virtualServer: "ops")))
        #expect(tasks.task("t1", for: Self.alice, virtualServer: nil) != nil)
        #expect(tasks.task("t1", for: Self.bob, virtualServer: nil) == nil)
        #expect(tasks.task("t1", for: Self.alice, virtualServer: "ops") == nil)
        #expect(tasks.task("t2", for: Self.alice, virtualServer: "ops") != nil)
        #expect(tasks.list(for: Self.alice, virtualServer: nil).map(\.id) == ["t1"])
        #expect(tasks.list(for: Self.bob, virtualServer: nil).isEmpty)
    }

    @Test func aFullTableForgetsTheOldestEndedTaskAndRefusesWhenAllRun() {
        let tasks = A2ATasks(capacity: 3)
        let made = (1...3).map { Self.task("t\($0)") }
        for task in made { #expect(tasks.add(task)) }
        #expect(!tasks.add(Self.task("t4")), "three running tasks: no room")
        made[1].finished(.completed, parts: nil, message: nil)
        #expect(tasks.add(Self.task("t4")), "the ended one makes room")
        #expect(tasks.task("t2", for: Self.alice, virtualServer: nil) == nil)
        #expect(tasks.task("t1", for: Self.alice, virtualServer: nil) != nil, "a running task is kept")
        #expect(tasks.count == 3)
        made[0].cancel()
        #expect(tasks.add(Self.task("t5")))
        #expect(tasks.task("t1", for: Self.alice, virtualServer: nil) == nil)
    }

    @Test func followersHearEachChangeUntilTheTaskIsInterrupted() {
        let task = Self.task()
        let heard = Mutex<[String]>([])
        let followed = task.follow { snapshot, change in
            heard.withLock { $0.append("\(snapshot.state.name(.v03)) \(change == .result ? "result" : "status")") }
        }
        #expect(followed.id != nil && followed.snapshot.state == .submitted)
        task.started()
        task.progressed("step 1/2")
        task.finished(.completed, parts: [.text("done")], message: nil)
        task.progressed("late")  // ended: nothing changes, nobody hears
        #expect(heard.withLock { $0 } == ["working status", "working status", "completed result"])
        #expect(task.snapshot.artifact?.count == 1)
        // An ended task has nothing to follow.
        #expect(task.follow { _, _ in Issue.record("heard an ended task") }.id == nil)
        #expect(!task.cancel(), "an ended task cannot be cancelled")
    }

    @Test func inputRequiredHoldsTheCallUntilAnAnswerTakesIt() {
        let task = Self.task()
        task.started()
        task.asks("Your name?", schema: #"{"type":"object"}"#, pending: .init(arguments: #"{"q":1}"#, requestState: "sealed", inputKey: "ask-1"))
        let snapshot = task.snapshot
        #expect(snapshot.state == .inputRequired)
        #expect(String(buffer: A2AWire.task(snapshot, .v1)).contains(#""parts":[{"text":"Your name?"},{"data":{"requestedSchema":{"type":"object"}}}]"#))
        let pending = task.takePending()
        #expect(pending?.inputKey == "ask-1" && pending?.requestState == "sealed" && pending?.arguments == #"{"q":1}"#)
        #expect(task.takePending() == nil, "an answer is taken once")
        #expect(task.current == .submitted)
    }

    @Test func cancellingEndsTheTaskOnce() {
        let task = Self.task()
        task.started()
        #expect(task.cancel())
        #expect(task.current == .canceled)
        #expect(!task.cancel())
        #expect(!task.running(nil), "a call that starts after the cancel does not run")
        task.finished(.completed, parts: [.text("too late")], message: nil)
        #expect(task.current == .canceled && task.snapshot.artifact == nil)
    }

    @Test func bothRevisionsOnTheWire() {
        let task = Self.task()
        task.started()
        task.finished(.completed, parts: [.text("hi"), .data(#"{"n":1}"#), .file(base64: "AAE=", mediaType: "image/png")], message: nil)
        let snapshot = task.snapshot
        let v1 = String(buffer: A2AWire.taskEvent(snapshot, .v1))
        #expect(v1.hasPrefix(#"{"task":{"id":"t1","contextId":"c1","status":{"state":"TASK_STATE_COMPLETED","timestamp":""#))
        #expect(v1.contains(#""parts":[{"text":"hi"},{"data":{"n":1}},{"raw":"AAE=","mediaType":"image/png"}]"#))
        let v03 = String(buffer: A2AWire.taskEvent(snapshot, .v03))
        #expect(v03.hasPrefix(#"{"kind":"task","id":"t1","contextId":"c1","status":{"state":"completed""#))
        #expect(v03.contains(#"[{"kind":"text","text":"hi"},{"kind":"data","data":{"n":1}},{"kind":"file","file":{"bytes":"AAE=","mimeType":"image/png"}}]"#))
        #expect(String(buffer: A2AWire.statusEvent(snapshot, .v1)).hasPrefix(#"{"statusUpdate":{"taskId":"t1","contextId":"c1","status":"#))
        #expect(String(buffer: A2AWire.statusEvent(snapshot, .v03)).hasSuffix(#""final":true}"#))
        #expect(String(buffer: A2AWire.artifactEvent(snapshot, .v03)!).contains(#""kind":"artifact-update""#))
    }

    @Test func resultsBecomeParts() throws {
        let result = try JSONView.parse(ByteBuffer(string: #"""
            {"content":[{"type":"text","text":"a"},{"type":"image","data":"AAE=","mimeType":"image/png"},
            {"type":"resource","resource":{"uri":"x:1","text":"body"}},{"type":"resource_link","uri":"x:2","name":"n"}],
            "structuredContent":{"k":[1,2]}}
            """#))
        let parts = A2AWire.parts(of: result)
        var w = JSONWriter()
        w.beginArray()
        for part in parts { part.write(&w, .v1) }
        w.endArray()
        #expect(String(buffer: w.buffer) == #"[{"text":"a"},{"raw":"AAE=","mediaType":"image/png"},{"text":"body"},{"text":"x:2"},{"data":{"k":[1,2]}}]"#)
    }

    @Test func incomingMessagesInBothRevisions() throws {
        func incoming(_ json: String, _ version: A2AVersion) throws -> A2AIncoming {
            try A2AIncoming(try JSONView.parse(ByteBuffer(string: json)), version)
        }
        let v1 = try incoming(#"{"message":{"messageId":"m","role":"ROLE_USER","parts":[{"text":"please"},{"data":{"skill":"alpha__echo","arguments":{"text":"x"}}}]},"configuration":{"returnImmediately":true}}"#, .v1)
        #expect(try v1.invocation().skill == "alpha__echo")
        #expect(try v1.invocation().arguments == #"{"text":"x"}"#)
        #expect(!v1.blocking && v1.text == "please")
        let v03 = try incoming(#"{"message":{"kind":"message","messageId":"m","role":"user","taskId":"t9","parts":[{"kind":"data","data":{"answer":"Ada"}}]}}"#, .v03)
        #expect(v03.blocking && v03.taskID == "t9")
        #expect(try v03.elicitationAnswer() == #"{"action":"accept","content":{"answer":"Ada"}}"#)
        let declined = try incoming(#"{"message":{"messageId":"m","parts":[{"data":{"action":"decline"}}]}}"#, .v1)
        #expect(try declined.elicitationAnswer() == #"{"action":"decline"}"#)
        let word = try incoming(#"{"message":{"messageId":"m","parts":[{"text":" Cancel "}]}}"#, .v1)
        #expect(try word.elicitationAnswer() == #"{"action":"cancel"}"#)

        func problem(_ json: String) -> String? {
            do {
                _ = try incoming(json, .v1).invocation()
                return nil
            } catch let error as A2AError {
                return error.message
            } catch {
                return "\(error)"
            }
        }
        #expect(problem(#"{}"#) == "params.message is missing")
        #expect(problem(#"{"message":{"parts":[]}}"#) == "the message has no parts")
        #expect(problem(#"{"message":{"parts":[{"text":"call echo"}]}}"#)?.contains(#"data part {"skill""#) == true)
        #expect(problem(#"{"message":{"parts":[{"data":{"skill":"a","arguments":[1]}}]}}"#) == "arguments must be an object")
    }

    @Test func methodNamesOfBothRevisions() {
        #expect(A2AOperation.named("SendMessage").map { "\($0.0) \($0.1)" } == "send v1")
        #expect(A2AOperation.named("message/stream").map { "\($0.0) \($0.1)" } == "stream v03")
        #expect(A2AOperation.named("tasks/resubscribe").map { "\($0.0)" } == "subscribe")
        #expect(A2AOperation.named("tasks/send") == nil)
    }

    @Test func agentPaths() {
        #expect(GatewayPath("/a2a") == .a2a(virtualServer: nil))
        #expect(GatewayPath("/a2a/ops") == .a2a(virtualServer: "ops"))
        #expect(GatewayPath("/.well-known/agent-card.json") == .agentCard(virtualServer: nil))
        #expect(GatewayPath("/a2a/.well-known/agent-card.json") == .agentCard(virtualServer: nil))
        #expect(GatewayPath("/a2a/ops/.well-known/agent-card.json") == .agentCard(virtualServer: "ops"))
        #expect(GatewayPath("/a2a/ops/x") == .unknown)
        #expect(GatewayPath("/a2a/") == .unknown)
    }
}
