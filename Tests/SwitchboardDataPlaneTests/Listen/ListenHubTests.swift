import NIOCore
import SwitchboardCore
import SwitchboardTesting
import Testing
@testable import SwitchboardDataPlane

/// Where servers' changes reach clients: legacy sessions' streams and 2026-07-28 listens.
@Suite struct ListenHubTests {
    static let listen = #"{"jsonrpc":"2.0","id":"l1","method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true,"promptsListChanged":true}}}"#

    @Test func aListenIsAcknowledgedWithWhatTheServersCanTell() throws {
        let gateway = try GatewayFixture([.init(name: "a", capabilities: #"{"tools":{"listChanged":true}}"#)])
        let answer = try gateway.sendStateless(Self.listen)
        let ack = try JSONView.parse(ByteBuffer(string: try #require(answer.interims.first)))
        #expect(ack["method"]?.string == MCPMethod.subscriptionsAcknowledged)
        #expect(ack["params"]?["notifications"]?["toolsListChanged"]?.bool == true)
        #expect(ack["params"]?["notifications"]?["promptsListChanged"] == nil, "no server offers prompts")
        #expect(ack["params"]?["_meta"]?[MCPMeta.subscriptionID]?.string == "l1")
        #expect(answer.final == nil, "the stream stays open")
    }

    @Test func changesReachListenersAndSessionsUntilTheyLeave() throws {
        let gateway = try GatewayFixture([.init(name: "a", capabilities: #"{"tools":{"listChanged":true}}"#)])
        let listener = try gateway.sendStateless(Self.listen)
        let session = try gateway.session()
        let stream = RecordingStream()
        session.attach(stream: stream)

        gateway["a"].deliver(#"{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"#)
        gateway.run()
        #expect(listener.interims.count == 2)
        #expect(listener.interims.last?.contains(#""io.modelcontextprotocol/subscriptionId":"l1""#) == true)
        #expect(stream.sent == [#"{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"#])

        listener.exchange?.clientLeft()
        gateway["a"].deliver(#"{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"#)
        gateway.run()
        #expect(listener.interims.count == 2, "a listener that left hears nothing more")
        #expect(stream.sent.count == 2)
    }

    @Test func shuttingDownEndsEveryListenWithAResult() throws {
        let gateway = try GatewayFixture([.init(name: "a", capabilities: #"{"tools":{"listChanged":true}}"#)])
        let listener = try gateway.sendStateless(Self.listen)
        _ = gateway.gateway.shutdown()
        gateway.run()
        let final = try listener.finalView()
        #expect(final["id"]?.string == "l1")
        #expect(final["result"]?["resultType"]?.string == "complete")
    }

    @Test func aListenWithoutAFilterIsRefused() throws {
        let gateway = try GatewayFixture([.init(name: "a")])
        let answer = try gateway.sendStateless(#"{"jsonrpc":"2.0","id":1,"method":"subscriptions/listen","params":{}}"#)
        #expect(try answer.finalView()["error"]?["code"]?.int == JSONRPCErrorCode.invalidParams)
    }
}
