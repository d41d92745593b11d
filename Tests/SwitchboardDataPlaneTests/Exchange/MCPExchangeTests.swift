import NIOCore
import SwitchboardCore
import SwitchboardTesting
import Testing
@testable import SwitchboardDataPlane

/// The request record: its timings as it crosses the gateway, and its answer ending it.
@Suite struct MCPExchangeTests {
    @Test func aForwardedCallIsMarkedAtEveryStepInOrder() throws {
        let gateway = try GatewayFixture([.init(name: "crm")])
        let session = try gateway.session()
        let answer = try gateway.send(CallRouterTests.call(1), in: session)
        let exchange = try #require(answer.exchange)
        let sent = try #require(gateway["crm"].requests(MCPMethod.toolsCall).first)
        #expect(exchange.timings.firstByte == 0 && exchange.timings.answered == 0, "nothing back yet")
        gateway["crm"].respond(to: sent.id!, result: "{}")
        gateway.run()
        let t = exchange.timings
        let marks = [t.received, t.authenticated, t.routed, t.upstreamSent, t.firstByte, t.answered]
        #expect(marks.allSatisfy { $0 > 0 }, "\(t)")
        #expect(marks == marks.sorted(), "\(t)")
    }

    @Test func anAnswerTheGatewayGivesItselfIsNeverRouted() throws {
        let gateway = try GatewayFixture([.init(name: "crm")])
        let session = try gateway.session()
        let answer = try gateway.send(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, in: session)
        let t = try #require(answer.exchange).timings
        #expect(t.routed == 0 && t.upstreamSent == 0 && t.firstByte == 0)
        #expect(t.answered >= t.authenticated)
    }

    @Test func aStatelessRequestHoldsItsSlotUntilItsAnswer() throws {
        let gateway = try GatewayFixture([.init(name: "crm")]) { $0.sessions.maxSessions = 1 }
        let first = try gateway.sendStateless(CallRouterTests.call(1))
        let refused = try gateway.sendStateless(CallRouterTests.call(2))
        #expect(refused.status == 503)
        #expect(try refused.finalView()["error"]?["code"]?.int == JSONRPCErrorCode.overloaded)
        let sent = try #require(gateway["crm"].requests(MCPMethod.toolsCall).first)
        gateway["crm"].respond(to: sent.id!, result: "{}")
        gateway.run()
        #expect(first.final != nil)
        // Answered: the slot is free, and the client leaving now changes nothing.
        first.exchange?.clientLeft()
        let next = try gateway.sendStateless(CallRouterTests.call(3))
        #expect(next.status != 503)
    }

    @Test func aStatelessClientLeavingCancelsItsCallUpstream() throws {
        let gateway = try GatewayFixture([.init(name: "crm")])
        let answer = try gateway.sendStateless(CallRouterTests.call(1))
        answer.exchange?.clientLeft()
        gateway.run()
        #expect(gateway["crm"].notifications(MCPMethod.cancelled).count == 1)
        #expect(answer.abandoned)
    }
}
