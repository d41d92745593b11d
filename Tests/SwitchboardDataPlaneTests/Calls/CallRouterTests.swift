import NIOCore
import SwitchboardCore
import SwitchboardPolicy
import SwitchboardTesting
import SwitchboardUpstream
import Testing
@testable import SwitchboardDataPlane

/// Routing a client's request to its server and the answer back, with the server scripted.
@Suite struct CallRouterTests {
    static func call(_ id: Int, tool: String = "crm__echo", progress: String? = nil) -> String {
        let meta = progress.map { #","_meta":{"progressToken":"# + $0 + "}" } ?? ""
        return #"{"jsonrpc":"2.0","id":"# + String(id) + #","method":"tools/call","params":{"name":""# + tool + #"","arguments":{"x":1}"# + meta + "}}"
    }

    @Test func aCallGoesUnderTheServersOwnNameAndComesBackUnderTheClientsID() throws {
        let gateway = try GatewayFixture([.init(name: "crm")])
        let session = try gateway.session()
        let answer = try gateway.send(Self.call(7, progress: #""p-1""#), in: session)

        let sent = try #require(gateway["crm"].requests(MCPMethod.toolsCall).first)
        #expect(sent.params?["name"]?.string == "echo")
        #expect(sent.params?["arguments"]?.rawText == #"{"x":1}"#, "arguments go byte for byte")
        // The client's progress token is swapped for the upstream id, which is the gateway's own.
        #expect(sent.params?["_meta"]?["progressToken"]?.rawText == sent.id!.json)

        gateway["crm"].deliver(#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"# + sent.id!.json + #","progress":1}}"#)
        gateway.run()
        #expect(answer.interims.count == 1)
        #expect(answer.interims.first?.contains(#""progressToken":"p-1""#) == true, "progress travels under the client's token")

        gateway["crm"].respond(to: sent.id!, result: #"{"content":[{"type":"text","text":"hi"}]}"#)
        gateway.run()
        let final = try answer.finalView()
        #expect(final["id"]?.int == 7)
        #expect(final["result"]?["content"]?.elements.count == 1)
        #expect(session.inFlightCount == 0)
    }

    @Test func unknownNamesAreRefusedBeforeAnythingIsSent() throws {
        let gateway = try GatewayFixture([.init(name: "crm")])
        let session = try gateway.session()
        for tool in ["nope__echo", "echo", "crm__"] {
            let answer = try gateway.send(Self.call(1, tool: tool), in: session)
            #expect(try answer.finalView()["error"]?["code"]?.int == JSONRPCErrorCode.invalidParams, "\(tool)")
        }
        #expect(gateway["crm"].requests(MCPMethod.toolsCall).isEmpty)
    }

    @Test func aSessionHasABoundedNumberOfCallsInFlight() throws {
        let gateway = try GatewayFixture([.init(name: "crm")]) { $0.limits.maxConcurrentRequestsPerSession = 1 }
        let session = try gateway.session()
        let first = try gateway.send(Self.call(1), in: session)
        let second = try gateway.send(Self.call(2), in: session)
        #expect(first.final == nil)
        #expect(try second.finalView()["error"]?["code"]?.int == JSONRPCErrorCode.overloaded)
        #expect(gateway["crm"].requests(MCPMethod.toolsCall).count == 1)
    }

    @Test func aClientsCancelReachesTheServerUnderItsID() throws {
        let gateway = try GatewayFixture([.init(name: "crm")])
        let session = try gateway.session()
        let answer = try gateway.send(Self.call(9), in: session)
        let sent = try #require(gateway["crm"].requests(MCPMethod.toolsCall).first)
        try gateway.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":9,"reason":"bored"}}"#, in: session)
        let cancel = try #require(gateway["crm"].notifications(MCPMethod.cancelled).first)
        #expect(cancel.params?["requestId"]?.rawText == sent.id!.json)
        #expect(answer.abandoned && answer.final == nil)
        // The server's late answer goes nowhere.
        gateway["crm"].respond(to: sent.id!, result: "{}")
        gateway.run()
        #expect(answer.final == nil)
    }

    @Test func anUpstreamErrorIsRelayedAndAFailureNamesTheServer() throws {
        let gateway = try GatewayFixture([
            .init(name: "crm", script: { _ in .error(code: -32000, message: "tool broke") }),
        ])
        let session = try gateway.session()
        let relayed = try gateway.send(Self.call(3), in: session)
        #expect(try relayed.finalView()["error"]?["message"]?.string == "tool broke")
        _ = gateway.gateway.servers.all.map { $0.stop() }
        gateway.run()
        let unavailable = try gateway.send(Self.call(4), in: session)
        let error = try unavailable.finalView()["error"]
        #expect(error?["code"]?.int == JSONRPCErrorCode.upstreamUnavailable)
        #expect(error?["data"]?["server"]?.string == "crm")
    }

    @Test func keysGivenTwiceAreRefused() throws {
        let gateway = try GatewayFixture([.init(name: "crm")])
        let session = try gateway.session()
        let answer = try gateway.send(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"crm__echo","name":"crm__other"}}"#, in: session)
        #expect(answer.final?.contains("appears twice") == true)
        #expect(gateway["crm"].requests(MCPMethod.toolsCall).isEmpty)
    }

    @Test(arguments: [MCPMethod.ping, MCPMethod.loggingSetLevel, MCPMethod.resourcesSubscribe, MCPMethod.initialize])
    func methodsRemovedIn2026AreUnknownThere(method: String) throws {
        let gateway = try GatewayFixture([.init(name: "crm")])
        let answer = try gateway.sendStateless(#"{"jsonrpc":"2.0","id":1,"method":""# + method + #"","params":{}}"#)
        #expect(try answer.finalView()["error"]?["code"]?.int == JSONRPCErrorCode.methodNotFound)
        #expect(answer.status == 404)
    }

    @Test func resultsAreShapedForA2026Client() throws {
        let gateway = try GatewayFixture([.init(name: "crm", script: { _ in .result(#"{"content":[]}"#) })])
        let answer = try gateway.sendStateless(Self.call(5))
        let result = try answer.finalView()["result"]
        #expect(result?["resultType"]?.string == "complete")
        #expect(result?["_meta"]?[MCPMeta.serverInfo]?["version"]?.string == "test")
        // The legacy server never saw the 2026-07-28 envelope.
        let sent = try #require(gateway["crm"].requests(MCPMethod.toolsCall).first)
        #expect(sent.params?["_meta"]?[MCPMeta.protocolVersion] == nil)
    }
}
