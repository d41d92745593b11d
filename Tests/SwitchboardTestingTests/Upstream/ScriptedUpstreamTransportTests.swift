import NIOCore
import NIOEmbedded
import Synchronization
import SwitchboardCore
import SwitchboardTesting
import SwitchboardUpstream
import Testing

/// The scripted transport the component tests stand servers on: it must behave like a real
/// one toward `UpstreamServer`, or those tests prove nothing.
@Suite struct ScriptedUpstreamTransportTests {
    final class Delegate: UpstreamTransportDelegate {
        let received = Mutex<[String]>([])
        func upstreamTransport(received message: ByteBuffer, origin: UpstreamInboundOrigin) {
            received.withLock { $0.append(String(buffer: message)) }
        }
        func upstreamTransportClosed(error: (any Error)?) {}
    }

    static func request(_ id: Int, _ method: String) -> ByteBuffer {
        ByteBuffer(string: #"{"jsonrpc":"2.0","id":"# + String(id) + #","method":""# + method + #"","params":{}}"#)
    }

    @Test func theHandshakeIsAnsweredForEitherEraAndTheRestByTheScript() throws {
        let loop = EmbeddedEventLoop()
        let transport = ScriptedUpstreamTransport(loop: loop, capabilities: #"{"prompts":{}}"#) { request in
            request.method == "tools/list" ? .result(#"{"tools":[]}"#) : .error(code: -32601, message: "no")
        }
        let delegate = Delegate()
        transport.setDelegate(delegate)
        _ = transport.send(Self.request(1, MCPMethod.initialize), correlation: 1)
        _ = transport.send(Self.request(2, MCPMethod.serverDiscover), correlation: 2)
        _ = transport.send(Self.request(3, "tools/list"), correlation: 3)
        _ = transport.send(Self.request(4, "other"), correlation: 4)
        #expect(delegate.received.withLock { $0 }.isEmpty, "answers go through the loop, as a real transport's reads do")
        loop.run()
        let answers = delegate.received.withLock { $0 }.map { try! JSONView.parse(ByteBuffer(string: $0)) }
        #expect(answers.count == 4)
        #expect(answers[0]["result"]?["protocolVersion"]?.string == "2025-11-25")
        #expect(answers[0]["result"]?["capabilities"]?["prompts"] != nil)
        #expect(answers[1]["result"]?["supportedVersions"]?.elements.first?.string == "2026-07-28")
        #expect(answers[2]["result"]?["tools"]?.isArray == true)
        #expect(answers[3]["error"]?["code"]?.int == -32601)
        #expect(transport.requests("tools/list").count == 1)
        try loop.syncShutdownGracefully()
    }

    @Test func laterAnswersAndServerMessagesAreDeliveredWhenTheTestSays() throws {
        let loop = EmbeddedEventLoop()
        let transport = ScriptedUpstreamTransport(loop: loop)
        let delegate = Delegate()
        transport.setDelegate(delegate)
        _ = transport.send(Self.request(7, "tools/call"), correlation: 7)
        _ = transport.send(ByteBuffer(string: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#), correlation: nil)
        loop.run()
        #expect(delegate.received.withLock { $0 }.isEmpty)
        #expect(transport.notifications("notifications/initialized").count == 1)
        transport.respond(to: JSONRPCID(7), result: "{}")
        transport.deliver(#"{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"#)
        loop.run()
        #expect(delegate.received.withLock { $0 } == [
            #"{"jsonrpc":"2.0","id":7,"result":{}}"#, #"{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}"#,
        ])
        try loop.syncShutdownGracefully()
    }
}
