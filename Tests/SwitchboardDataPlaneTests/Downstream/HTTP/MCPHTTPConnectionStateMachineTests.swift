import NIOCore
import NIOHTTP1
import Testing
@testable import SwitchboardDataPlane

/// The life of one data-plane connection, event by event: what the handler is told to do.
@Suite struct MCPHTTPConnectionStateMachineTests {
    private static func head(_ uri: String = "/mcp", length: Int? = nil, keepAlive: Bool = true) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: uri)
        if let length { head.headers.add(name: "Content-Length", value: String(length)) }
        if !keepAlive { head.headers.add(name: "Connection", value: "close") }
        return head
    }

    /// What an action is, in a word, for tables.
    private static func name(_ action: MCPHTTPConnectionStateMachine.Action) -> String {
        switch action {
        case .none: "none"
        case .serve(let request): "serve \(request.head.uri) \(String(buffer: request.body))"
        case .refuse(.bodyTooLarge): "refuse 413"
        case .refuse(.malformed): "refuse 400"
        case .close: "close"
        }
    }

    enum Event {
        case head(String, length: Int? = nil)
        case body(String)
        case end
        case answered
        case answeredClosing
        case parseError
    }

    private static func replay(_ events: [Event], maxBodyBytes: Int = 8, maxWaiting: Int = 2) -> [String] {
        var machine = MCPHTTPConnectionStateMachine(maxBodyBytes: maxBodyBytes, maxWaiting: maxWaiting)
        return events.map { event in
            switch event {
            case .head(let uri, let length): name(machine.receivedHead(head(uri, length: length)))
            case .body(let text): name(machine.receivedBody(ByteBuffer(string: text)))
            case .end: name(machine.receivedEnd(now: 1))
            case .answered: name(machine.answered(closing: false))
            case .answeredClosing: name(machine.answered(closing: true))
            case .parseError: name(machine.parseError())
            }
        }
    }

    @Test func aRequestIsServedWhenItsBodyEnds() {
        #expect(Self.replay([.head("/a"), .body("{"), .body("}"), .end]) == ["none", "none", "none", "serve /a {}"])
    }

    @Test func pipelinedRequestsWaitTheirTurnInOrder() {
        let actions = Self.replay([
            .head("/a"), .end,  // served
            .head("/b"), .body("b"), .end,  // waits
            .head("/c"), .end,  // waits
            .answered,  // /b goes
            .answered,  // /c goes
            .answered,  // nothing left
        ])
        #expect(actions == ["none", "serve /a ", "none", "none", "none", "none", "none", "serve /b b", "serve /c ", "none"])
    }

    @Test func tooManyWaitingRequestsCloseTheConnection() {
        let actions = Self.replay([.head("/a"), .end, .head("/b"), .end, .head("/c"), .end, .head("/d"), .end], maxWaiting: 2)
        #expect(actions.last == "close")
    }

    @Test func aClosingAnswerDropsWhatWaits() {
        let actions = Self.replay([.head("/a"), .end, .head("/b"), .end, .answeredClosing, .answered])
        #expect(actions.suffix(2) == ["none", "none"])
    }

    @Test(arguments: [
        // A declared length over the limit is refused before any byte of the body.
        ([Event.head("/a", length: 9)], ["refuse 413"]),
        // A body that grows past it is refused on the chunk that crosses it; the rest is dropped.
        ([.head("/a"), .body("12345"), .body("6789"), .body("0"), .end], ["none", "none", "refuse 413", "none", "none"]),
        // Exactly at the limit is fine.
        ([.head("/a", length: 8), .body("12345678"), .end], ["none", "none", "serve /a 12345678"]),
        // Too large while another request is answered: nothing can be said, the connection closes.
        ([.head("/a"), .end, .head("/b", length: 99)], ["none", "serve /a ", "close"]),
    ] as [([Event], [String])])
    func bodiesAreBounded(events: [Event], expected: [String]) {
        #expect(Self.replay(events) == expected)
    }

    @Test func bytesThatAreNotHTTPGetA400OnlyWhenNothingIsAnswered() {
        #expect(Self.replay([.parseError]) == ["refuse 400"])
        #expect(Self.replay([.head("/a"), .end, .parseError]) == ["none", "serve /a ", "close"])
    }

    @Test func keepAliveFollowsTheRequestBeingAnswered() {
        var machine = MCPHTTPConnectionStateMachine(maxBodyBytes: 8)
        _ = machine.receivedHead(Self.head("/a", keepAlive: false))
        _ = machine.receivedEnd(now: 1)
        #expect(!machine.keepsAlive)
        _ = machine.answered(closing: true)
        _ = machine.receivedHead(Self.head("/b"))
        _ = machine.receivedEnd(now: 2)
        #expect(machine.keepsAlive)
    }

    @Test func aClosedConnectionForgetsWhatWaited() {
        var machine = MCPHTTPConnectionStateMachine(maxBodyBytes: 8)
        _ = machine.receivedHead(Self.head("/a"))
        _ = machine.receivedEnd(now: 1)
        _ = machine.receivedHead(Self.head("/b"))
        _ = machine.receivedEnd(now: 2)
        #expect(machine.waitingCount == 1)
        machine.closed()
        #expect(machine.waitingCount == 0)
    }
}
