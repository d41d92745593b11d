import Foundation
import NIOCore
import Synchronization
import SwitchboardCore
import SwitchboardGuards
import SwitchboardPolicy
import SwitchboardTesting
import Testing

@testable import SwitchboardDataPlane

/// Calls a policy holds for a human: the queue on its own with an injected clock (a request
/// filed once, an approval spent once and bound to its arguments, a denial, expiry, decisions
/// from the store), and through the router: a client that cannot be asked gets -31012 with the
/// approval id and its identical call goes through once approved; a client that declared
/// elicitation is asked on the call's stream and its answer decides.
@Suite struct ApprovalDeskTests {
    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    final class Events: Sendable {
        let list = Mutex<[String]>([])
        func append(_ event: String) { list.withLock { $0.append(event) } }
        var all: [String] { list.withLock { $0 } }
    }

    static func desk(_ clock: Clock, scope: ApprovalRecord.Scope = .once) -> (ApprovalDesk, Events) {
        let events = Events()
        let desk = ApprovalDesk(
            settings: .init(timeout: .seconds(600), scope: scope), persist: { _ in },
            report: { record in events.append("\(record.id.prefix(4)) \(record.state.rawValue)") }, now: { clock.now.withLock { $0 } }
        )
        return (desk, events)
    }

    @Test func anApprovalIsSpentOnceOnTheCallItWasGivenFor() {
        let clock = Clock()
        let (desk, _) = Self.desk(clock)
        guard case .none = desk.check(principal: "ana", tool: "ops__restart", argumentsDigest: "d1", session: "s") else { Issue.record("nothing yet"); return }
        let record = desk.request(principal: "ana", server: "ops", tool: "ops__restart", argumentsDigest: "d1", summary: "Arguments: host (text of 3 characters)", rule: "r", session: "s")
        guard case .pending = desk.check(principal: "ana", tool: "ops__restart", argumentsDigest: "d1", session: "s") else { Issue.record("waits"); return }
        // Approved elsewhere (the CLI wrote the store): brought in by reload.
        var approved = record
        approved.state = .approved
        approved.decidedBy = "cli:ops"
        approved.decidedAt = clock.now.withLock { $0 }
        #expect(desk.reload([approved]).map(\.state) == [.approved])
        // Other arguments, another caller: not covered.
        guard case .none = desk.check(principal: "ana", tool: "ops__restart", argumentsDigest: "d2", session: "s") else { Issue.record("bound to arguments"); return }
        guard case .none = desk.check(principal: "bob", tool: "ops__restart", argumentsDigest: "d1", session: "s") else { Issue.record("bound to caller"); return }
        guard case .approved(let spent) = desk.check(principal: "ana", tool: "ops__restart", argumentsDigest: "d1", session: "s") else { Issue.record("spent"); return }
        #expect(spent.state == .used)
        guard case .none = desk.check(principal: "ana", tool: "ops__restart", argumentsDigest: "d1", session: "s") else { Issue.record("once"); return }
    }

    @Test func aDenialIsToldAndRequestsExpire() {
        let clock = Clock()
        let (desk, events) = Self.desk(clock)
        let record = desk.request(principal: "ana", server: "ops", tool: "ops__drop", argumentsDigest: "d", summary: "No arguments", rule: nil, session: nil)
        #expect(desk.decide(record.id, approve: false, by: "client:ana", reason: "no")?.state == .denied)
        guard case .denied = desk.check(principal: "ana", tool: "ops__drop", argumentsDigest: "d", session: nil) else { Issue.record("denied"); return }
        let other = desk.request(principal: "ana", server: "ops", tool: "ops__drop", argumentsDigest: "e", summary: "No arguments", rule: nil, session: nil)
        clock.advance(601)
        guard case .none = desk.check(principal: "ana", tool: "ops__drop", argumentsDigest: "e", session: nil) else { Issue.record("expired"); return }
        #expect(desk.records.first { $0.id == other.id }?.state == .expired)
        #expect(events.all.map { String($0.split(separator: " ")[1]) } == ["pending", "denied", "pending", "expired"])
    }

    @Test func aSessionScopedApprovalServesItsSessionOnly() {
        let clock = Clock()
        let (desk, _) = Self.desk(clock, scope: .session)
        let record = desk.request(principal: "ana", server: "ops", tool: "ops__restart", argumentsDigest: "d", summary: "", rule: nil, session: "s1")
        var approved = record
        approved.state = .approved
        desk.reload([approved])
        for _ in 0..<2 {
            guard case .approved = desk.check(principal: "ana", tool: "ops__restart", argumentsDigest: "d", session: "s1") else { Issue.record("again"); return }
        }
        guard case .none = desk.check(principal: "ana", tool: "ops__restart", argumentsDigest: "d", session: "s2") else { Issue.record("other session"); return }
    }

    // MARK: Through the router

    static func gateway(_ desk: ApprovalDesk) throws -> GatewayFixture {
        try GatewayFixture([.init(name: "ops")], approvals: desk) { config in
            config.policy = PolicyConfig(rules: [PolicyRuleConfig(id: "restarts", effect: .requireApproval, match: CallMatchConfig(tools: ["ops__restart"]))])
        }
    }

    static let call = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ops__restart","arguments":{"host":"db1"}}}"#

    @Test func aClientThatCannotBeAskedGetsTheApprovalIDAndItsRetryGoesThrough() throws {
        let clock = Clock()
        let (desk, _) = Self.desk(clock)
        let gateway = try Self.gateway(desk)
        let session = try gateway.session()
        let first = try gateway.send(Self.call, in: session).finalView()
        #expect(first["error"]?["code"]?.int == JSONRPCErrorCode.approvalRequired)
        let id = try #require(first["error"]?["data"]?["approvalId"]?.string)
        #expect(first["error"]?["data"]?["rule"]?.string == "restarts")
        #expect(gateway["ops"].requests(MCPMethod.toolsCall).isEmpty)
        // Asked again before anyone decided: the same request, not a second one.
        let again = try gateway.send(Self.call, in: session).finalView()
        #expect(again["error"]?["data"]?["approvalId"]?.string == id)
        #expect(desk.records.count == 1)

        var approved = try #require(desk.records.first)
        approved.state = .approved
        approved.decidedBy = "cli:ops"
        desk.reload([approved])
        let answer = try gateway.send(Self.call, in: session)
        let sent = try #require(gateway["ops"].requests(MCPMethod.toolsCall).first)
        #expect(sent.params?["name"]?.string == "restart")
        gateway["ops"].respond(to: sent.id!, result: #"{"content":[{"type":"text","text":"restarted"}]}"#)
        gateway.run()
        #expect(try answer.finalView()["result"]?["content"]?.elements.first?["text"]?.string == "restarted")
        // Spent: the next identical call waits for a new approval.
        let after = try gateway.send(Self.call, in: session).finalView()
        #expect(after["error"]?["data"]?["approvalId"]?.string != id)
    }

    @Test(arguments: [true, false])
    func aClientThatDeclaredElicitationIsAskedAndItsAnswerDecides(approve: Bool) throws {
        let clock = Clock()
        let (desk, _) = Self.desk(clock)
        let gateway = try Self.gateway(desk)
        let session = try gateway.session(capabilities: #"{"elicitation":{}}"#)
        let answer = try gateway.send(Self.call, in: session)
        let question = try JSONView.parse(ByteBuffer(string: try #require(answer.interims.first)))
        #expect(question["method"]?.string == "elicitation/create")
        let message = try #require(question["params"]?["message"]?.string)
        #expect(message.contains("ops__restart") && message.contains("host (text of 3 characters)") && !message.contains("db1"))
        let reply = #"{"jsonrpc":"2.0","id":\#(question["id"]!.rawText),"result":{"action":"accept","content":{"approve":\#(approve)}}}"#
        try gateway.send(reply, in: session)
        if approve {
            let sent = try #require(gateway["ops"].requests(MCPMethod.toolsCall).first)
            gateway["ops"].respond(to: sent.id!, result: #"{"content":[{"type":"text","text":"restarted"}]}"#)
            gateway.run()
            #expect(try answer.finalView()["result"] != nil)
            #expect(desk.records.first?.state == .used)
            #expect(desk.records.first?.decidedBy?.hasPrefix("client:") == true)
        } else {
            let final = try answer.finalView()
            #expect(final["error"]?["data"]?["reason"]?.string == "approval_denied")
            #expect(gateway["ops"].requests(MCPMethod.toolsCall).isEmpty)
        }
    }

    @Test func aModernClientIsAskedWithInputRequiredAndItsRetryGoesOutWithoutTheGatewaysMembers() throws {
        let clock = Clock()
        let (desk, _) = Self.desk(clock)
        let gateway = try Self.gateway(desk)
        let capabilities = #"{"elicitation":{}}"#
        let first = try gateway.sendStateless(Self.call, capabilities: capabilities).finalView()
        let result = try #require(first["result"])
        #expect(result["resultType"]?.string == "input_required")
        #expect(result["inputRequests"]?["approval"]?["method"]?.string == "elicitation/create")
        let state = try #require(result["requestState"]?.string)
        #expect(gateway["ops"].requests(MCPMethod.toolsCall).isEmpty)

        // Another caller cannot answer it: the state does not open for them, and they are
        // asked about an approval of their own.
        let retry = #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ops__restart","arguments":{"host":"db1"},"#
            + #""inputResponses":{"approval":{"action":"accept","content":{"approve":true}}},"requestState":"\#(state)"}}"#
        let stranger = try gateway.sendStateless(retry, capabilities: capabilities, as: Principal(kind: .apiKey, name: "mallory")).finalView()
        #expect(stranger["result"]?["resultType"]?.string == "input_required")
        #expect(stranger["result"]?["requestState"]?.string != state)
        #expect(desk.records.count == 2 && desk.records.allSatisfy { $0.state == .pending })
        #expect(gateway["ops"].requests(MCPMethod.toolsCall).isEmpty)

        let answer = try gateway.sendStateless(retry, capabilities: capabilities)
        let sent = try #require(gateway["ops"].requests(MCPMethod.toolsCall).first)
        #expect(sent.params?["name"]?.string == "restart")
        #expect(sent.params?["requestState"] == nil && sent.params?["inputResponses"] == nil)
        #expect(sent.params?["arguments"]?.rawText == #"{"host":"db1"}"#)
        gateway["ops"].respond(to: sent.id!, result: #"{"content":[{"type":"text","text":"restarted"}]}"#)
        gateway.run()
        #expect(try answer.finalView()["result"]?["content"] != nil)
        #expect(desk.records.first { $0.principal == "anonymous" || !$0.principal.contains("mallory") }?.state == .used)
    }
}
