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

    /// A listen on one server's copy of a shared URI: that server is subscribed under its own
    /// URI, and only its updates reach the listener, under the gateway URI.
    @Test func aSharedURIIsListenedToOnOneServer() throws {
        func server(_ name: String) -> GatewayFixture.Server {
            .init(name: name, capabilities: #"{"resources":{"subscribe":true}}"#, script: { request in
                switch request.method {
                case MCPMethod.resourcesList: .result(#"{"resources":[{"uri":"file:///x","name":"x"}]}"#)
                case MCPMethod.resourceTemplatesList: .result(#"{"resourceTemplates":[]}"#)
                default: .result("{}")
                }
            })
        }
        let gateway = try GatewayFixture([server("a"), server("b")])
        let listen = #"{"jsonrpc":"2.0","id":"l2","method":"subscriptions/listen","params":{"notifications":{"resourceSubscriptions":["switchboard://b/file:///x"]}}}"#
        let listener = try gateway.sendStateless(listen)
        #expect(gateway["b"].requests(MCPMethod.resourcesSubscribe).first?.params?["uri"]?.string == "file:///x")
        #expect(gateway["a"].requests(MCPMethod.resourcesSubscribe).isEmpty)
        let before = listener.interims.count
        gateway["a"].deliver(#"{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"file:///x"}}"#)
        gateway.run()
        #expect(listener.interims.count == before, "a's copy is not the one listened to")
        gateway["b"].deliver(#"{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"file:///x"}}"#)
        gateway.run()
        #expect(listener.interims.count == before + 1)
        let update = try JSONView.parse(ByteBuffer(string: try #require(listener.interims.last)))
        #expect(update["params"]?["uri"]?.string == "switchboard://b/file:///x")
        #expect(update["params"]?["_meta"]?[MCPMeta.subscriptionID]?.string == "l2")
    }

    /// A URI's plain and gateway forms share one upstream subscription: it ends only when
    /// nobody wants either.
    @Test func bothFormsOfAURIKeepItsUpstreamSubscription() throws {
        let gateway = try GatewayFixture([.init(name: "a", capabilities: #"{"resources":{"subscribe":true}}"#, script: { request in
            switch request.method {
            case MCPMethod.resourcesList: .result(#"{"resources":[{"uri":"file:///y","name":"y"}]}"#)
            case MCPMethod.resourceTemplatesList: .result(#"{"resourceTemplates":[]}"#)
            default: .result("{}")
            }
        })])
        func request(_ method: String, _ uri: String, _ id: Int) -> String {
            #"{"jsonrpc":"2.0","id":"# + String(id) + #","method":""# + method + #"","params":{"uri":""# + uri + #""}}"#
        }
        let plain = try gateway.session()
        let mapped = try gateway.session()
        try gateway.send(request(MCPMethod.resourcesSubscribe, "file:///y", 1), in: plain)
        try gateway.send(request(MCPMethod.resourcesSubscribe, "switchboard://a/file:///y", 2), in: mapped)
        #expect(gateway["a"].requests(MCPMethod.resourcesSubscribe).count == 2)
        try gateway.send(request(MCPMethod.resourcesUnsubscribe, "switchboard://a/file:///y", 3), in: mapped)
        #expect(gateway["a"].requests(MCPMethod.resourcesUnsubscribe).isEmpty, "the plain form is still wanted")
        try gateway.send(request(MCPMethod.resourcesUnsubscribe, "file:///y", 4), in: plain)
        #expect(gateway["a"].requests(MCPMethod.resourcesUnsubscribe).first?.params?["uri"]?.string == "file:///y")
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
