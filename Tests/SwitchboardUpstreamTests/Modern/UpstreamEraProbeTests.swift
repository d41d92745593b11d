import NIOCore
import SwitchboardCore
import SwitchboardUpstream
import Testing

@Suite("UpstreamEraProbe")
struct UpstreamEraProbeTests {
    static func classify(_ json: String) throws -> UpstreamEraProbe.Outcome {
        UpstreamEraProbe.classify(try JSONRPCMessage.parse(ByteBuffer(string: json)))
    }

    static func era(_ outcome: UpstreamEraProbe.Outcome) -> String {
        switch outcome {
        case .modern: "modern"
        case .modernError: "modernError"
        case .legacy: "legacy"
        }
    }

    static let discover = #"{"jsonrpc":"2.0","id":1,"result":{"resultType":"complete","supportedVersions":["2026-07-28"],"capabilities":{"tools":{"listChanged":true}},"instructions":"Be nice","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"b","version":"1.0.0"}},"ttlMs":0,"cacheScope":"private"}}"#

    @Test("answers to server/discover", arguments: [
        (discover, "modern"),
        (#"{"jsonrpc":"2.0","id":1,"result":{"supportedVersions":["2027-01-01"]}}"#, "legacy"),
        (#"{"jsonrpc":"2.0","id":1,"result":{}}"#, "legacy"),
        // Legacy servers: unknown method, invalid params (mcp<2), not initialized.
        (#"{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found"}}"#, "legacy"),
        (#"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Invalid request parameters"}}"#, "legacy"),
        (#"{"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"Bad Request: Missing session ID"}}"#, "legacy"),
        // -32022 counts only when it names a version we speak.
        (#"{"jsonrpc":"2.0","id":1,"error":{"code":-32022,"message":"x","data":{"supported":["2026-07-28"],"requested":"2026-07-28"}}}"#, "modernError"),
        (#"{"jsonrpc":"2.0","id":1,"error":{"code":-32022,"message":"x","data":{"supported":["2025-06-18"]}}}"#, "legacy"),
        (#"{"jsonrpc":"2.0","id":1,"error":{"code":-32022,"message":"x"}}"#, "legacy"),
        (#"{"jsonrpc":"2.0","id":1,"error":{"code":-32020,"message":"Header mismatch"}}"#, "modernError"),
        (#"{"jsonrpc":"2.0","id":1,"error":{"code":-32021,"message":"Missing capability"}}"#, "modernError"),
    ])
    func classifiesResponses(_ json: String, _ expected: String) throws {
        #expect(Self.era(try Self.classify(json)) == expected)
    }

    @Test("HTTP error bodies: only a recognised modern error means modern", arguments: [
        (400, #"{"jsonrpc":"2.0","id":"server-error","error":{"code":-32600,"message":"Bad Request: Missing session ID"}}"#, "legacy"),
        (400, #"{"jsonrpc":"2.0","id":null,"error":{"code":-32022,"message":"x","data":{"supported":["2026-07-28"]}}}"#, "modernError"),
        (404, "Not Found", "legacy"),
        (405, "", "legacy"),
    ])
    func classifiesHTTPErrors(_ code: Int, _ body: String, _ expected: String) {
        #expect(Self.era(UpstreamEraProbe.classify(httpStatus: code, body: body)) == expected)
    }

    @Test("initialize refused for 2026-07-28 is recognised; other refusals are not")
    func initializeRefusal() throws {
        let modern = try JSONRPCMessage.parse(ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"error":{"code":-32022,"message":"x","data":{"supported":["2026-07-28"],"requested":"2025-11-25"}}}"#))
        #expect(UpstreamEraProbe.refusesInitializeForModern(try #require(modern.error)))
        let legacy = try JSONRPCMessage.parse(ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Unsupported protocol version","data":{"supported":["2024-11-05"]}}}"#))
        #expect(!UpstreamEraProbe.refusesInitializeForModern(try #require(legacy.error)))
    }

    @Test("a DiscoverResult becomes the initialize-shaped description the gateway reads")
    func initializeEquivalent() throws {
        guard case .modern(let result) = try Self.classify(Self.discover) else {
            Issue.record("not modern")
            return
        }
        let description = UpstreamEraProbe.initializeEquivalent(of: result)
        #expect(description["protocolVersion"]?.string == "2026-07-28")
        #expect(description["capabilities"]?["tools"]?["listChanged"]?.bool == true)
        #expect(description["serverInfo"]?["name"]?.string == "b")
        #expect(description["serverInfo"]?["version"]?.string == "1.0.0")
        #expect(description["instructions"]?.string == "Be nice")

        let bare = try JSONView.parse(ByteBuffer(string: #"{"supportedVersions":["2026-07-28"]}"#))
        let minimal = UpstreamEraProbe.initializeEquivalent(of: bare)
        #expect(minimal["capabilities"]?.rawText == "{}")
        #expect(minimal["serverInfo"] == nil)
    }
}
