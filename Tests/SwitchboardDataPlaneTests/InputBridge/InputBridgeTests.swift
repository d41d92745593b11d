import Foundation
import NIOCore
import SwitchboardCore
import SwitchboardTesting
import Testing
@testable import SwitchboardDataPlane

/// A 2026-07-28 client calling a legacy server that asks for input mid-call (spec digest
/// §4.2): the question becomes `input_required`, the upstream call is held, and the retry
/// resumes that very call. Time is the embedded loop's; nothing sleeps.
@Suite struct InputBridgeTests {
    static let call = #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"crm__book","arguments":{"day":"mon"}}}"#
    static let question = #"{"jsonrpc":"2.0","id":"e1","method":"elicitation/create","params":{"message":"Which room?","requestedSchema":{"type":"object","properties":{}}}}"#
    static let elicitation = #"{"elicitation":{}}"#

    func fixture() throws -> GatewayFixture {
        try GatewayFixture([.init(name: "crm", timeouts: ServerTimeouts(request: .seconds(30)))])
    }

    /// Sends the call, lets the server ask, and returns the `input_required` result.
    func askedOnce(_ gateway: GatewayFixture, capabilities: String = elicitation) throws -> (answer: RecordingResponder, result: JSONView?) {
        let answer = try gateway.sendStateless(Self.call, capabilities: capabilities)
        gateway["crm"].deliver(Self.question)
        gateway.run()
        #expect(answer.final == nil, "questions arriving together go out together, after a short window")
        gateway.advance(by: InputBridge.questionWindow)
        return (answer, try answer.finalView()["result"])
    }

    static func retry(id: Int, state: String, answers: String) -> String {
        #"{"jsonrpc":"2.0","id":"# + String(id) + #","method":"tools/call","params":{"name":"crm__book","arguments":{"day":"mon"},"inputResponses":"#
            + answers + #","requestState":"# + JSONWriter.quoted(state) + "}}"
    }

    @Test func theRetryResumesTheHeldCall() throws {
        let gateway = try fixture()
        let (_, result) = try askedOnce(gateway)
        #expect(result?["resultType"]?.string == "input_required")
        let request = try #require(result?["inputRequests"]?["crm-e1"])
        #expect(request["method"]?.string == MCPMethod.elicitationCreate)
        let state = try #require(result?["requestState"]?.string)

        let retry = try gateway.sendStateless(
            Self.retry(id: 6, state: state, answers: #"{"crm-e1":{"action":"accept","content":{"room":"B"}}}"#), capabilities: Self.elicitation
        )
        // The server's question is answered under its own id; the call was sent once.
        let answered = gateway["crm"].sent.filter { $0.kind == .response && $0.id?.json == #""e1""# }
        #expect(answered.first?.result?["content"]?["room"]?.string == "B")
        let calls = gateway["crm"].requests(MCPMethod.toolsCall)
        #expect(calls.count == 1)

        gateway["crm"].respond(to: calls[0].id!, result: #"{"content":[{"type":"text","text":"booked"}]}"#)
        gateway.run()
        let final = try retry.finalView()
        #expect(final["id"]?.int == 6, "the retry gets the answer, under its own id")
        #expect(final["result"]?["content"]?.elements.first?["text"]?.string == "booked")
    }

    @Test func aStateResumesOnce() throws {
        let gateway = try fixture()
        let (_, result) = try askedOnce(gateway)
        let state = try #require(result?["requestState"]?.string)
        let answers = #"{"crm-e1":{"action":"decline"}}"#
        try gateway.sendStateless(Self.retry(id: 6, state: state, answers: answers), capabilities: Self.elicitation)
        let replay = try gateway.sendStateless(Self.retry(id: 7, state: state, answers: answers), capabilities: Self.elicitation)
        #expect(try replay.finalView()["error"]?["message"]?.string?.contains("already used") == true)
    }

    @Test func aStateBelongsToItsRequest() throws {
        let gateway = try fixture()
        let (_, result) = try askedOnce(gateway)
        let state = try #require(result?["requestState"]?.string)
        let other = Self.retry(id: 6, state: state, answers: "{}").replacingOccurrences(of: #""day":"mon""#, with: #""day":"tue""#)
        let answer = try gateway.sendStateless(other, capabilities: Self.elicitation)
        #expect(try answer.finalView()["error"]?["message"]?.string?.contains("another request") == true)
    }

    @Test func aClientThatNeverRetriesHasItsCallCancelledWhenTheStateExpires() throws {
        let gateway = try fixture()
        _ = try askedOnce(gateway)
        #expect(gateway["crm"].notifications(MCPMethod.cancelled).isEmpty)
        gateway.advance(by: .seconds(29))
        #expect(gateway["crm"].notifications(MCPMethod.cancelled).isEmpty)
        gateway.advance(by: .seconds(1))
        let cancel = try #require(gateway["crm"].notifications(MCPMethod.cancelled).first)
        #expect(cancel.params?["reason"]?.string?.contains("input_required in time") == true)
    }

    @Test func aQuestionTheRequestCannotAnswerFailsItWithTheMissingCapability() throws {
        let gateway = try fixture()
        let (answer, _) = try askedOnce(gateway, capabilities: "{}")
        let error = try #require(try answer.finalView()["error"])
        #expect(error["code"]?.int == JSONRPCErrorCode.missingRequiredClientCapability)
        #expect(answer.status == 400)
        // The server hears why, and its call stops.
        let refused = gateway["crm"].sent.filter { $0.kind == .errorResponse && $0.id?.json == #""e1""# }
        #expect(refused.count == 1)
        #expect(gateway["crm"].notifications(MCPMethod.cancelled).count == 1)
    }
}
