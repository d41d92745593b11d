import NIOCore
import SwitchboardCore
import SwitchboardUpstream
import Testing

@Suite("ModernRequestParams")
struct ModernRequestParamsTests {
    static let clientInfo = #"{"name":"switchboard","version":"1.2.3"}"#
    static let envelope = #""io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"switchboard","version":"1.2.3"}"#

    static func stamp(_ params: String?, method: String = "tools/call", meta: UpstreamRequestMeta? = nil) -> ModernRequestParams.Stamped {
        ModernRequestParams.stamp(params.map { ByteBuffer(string: $0) }, method: method, meta: meta, clientInfo: clientInfo)
    }

    @Test("the gateway's trace context replaces the client's traceparent and tracestate")
    func replacesTraceContext() throws {
        let params = #"{"name":"echo","_meta":{"traceparent":"00-client-span-01","progressToken":3,"tracestate":"a=1"}}"#
        var meta = UpstreamRequestMeta()
        meta.traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        meta.traceState = "a=1"
        let view = try JSONView.parse(Self.stamp(params, meta: meta).params)
        let stamped = try #require(view["_meta"])
        #expect(stamped["traceparent"]?.string == meta.traceParent && stamped["tracestate"]?.string == "a=1")
        #expect(stamped.members.filter { $0.key == "traceparent" }.count == 1 && stamped["progressToken"]?.int == 3)
        // Without a trace of the gateway's own, the client's stays as it was.
        let kept = try JSONView.parse(Self.stamp(params).params)
        #expect(kept["_meta"]?["traceparent"]?.string == "00-client-span-01")
    }

    @Test("no params: the envelope alone, with {} for no capabilities")
    func noParams() {
        let stamped = Self.stamp(nil, method: "tools/list")
        #expect(String(buffer: stamped.params) == #"{"_meta":{"# + Self.envelope + "}}")
        #expect(stamped.name == nil)
    }

    @Test("params without _meta get it first; the rest stays byte for byte")
    func insertsMeta() {
        let stamped = Self.stamp(#"{ "name":"echo", "arguments":{"text":"a\u00e9 b"} }"#)
        #expect(String(buffer: stamped.params) == #"{"_meta":{"# + Self.envelope + #"}, "name":"echo", "arguments":{"text":"a\u00e9 b"} }"#)
        #expect(stamped.name == "echo")
    }

    @Test("the caller's _meta keys are kept; client-sent envelope keys are replaced")
    func mergesMeta() throws {
        let params = #"{"name":"slow","_meta":{"progressToken":12,"io.modelcontextprotocol/protocolVersion":"2025-11-25","traceparent":"00-ab-cd-01","io.modelcontextprotocol/logLevel":"debug","io.modelcontextprotocol/clientInfo":{"name":"evil"}},"arguments":{}}"#
        let caps = ByteBuffer(string: #"{"elicitation":{"form":{}},"sampling":{}}"#)
        let stamped = Self.stamp(params, meta: UpstreamRequestMeta(clientCapabilities: caps, logLevel: "warning"))
        let view = try JSONView.parse(stamped.params)
        let meta = try #require(view["_meta"])
        #expect(meta.members.map(\.key) == [
            MCPMeta.protocolVersion, MCPMeta.clientCapabilities, MCPMeta.clientInfo, MCPMeta.logLevel, "progressToken", "traceparent",
        ])
        #expect(meta[MCPMeta.protocolVersion]?.string == "2026-07-28")
        #expect(meta[MCPMeta.clientCapabilities]?.rawText == #"{"elicitation":{"form":{}},"sampling":{}}"#)
        #expect(meta[MCPMeta.clientInfo]?["name"]?.string == "switchboard")
        #expect(meta[MCPMeta.logLevel]?.string == "warning")
        #expect(meta["progressToken"]?.rawText == "12")
        #expect(meta["traceparent"]?.string == "00-ab-cd-01")
        #expect(view["name"]?.string == "slow")
        #expect(view["arguments"]?.rawText == "{}")
        #expect(view.members.map(\.key) == ["name", "_meta", "arguments"])
    }

    @Test("no log level given: none is sent, and a client's is dropped")
    func noLogLevel() throws {
        let stamped = Self.stamp(#"{"_meta":{"io.modelcontextprotocol/logLevel":"debug"}}"#, method: "tools/list")
        let meta = try #require(try JSONView.parse(stamped.params)["_meta"])
        #expect(meta[MCPMeta.logLevel] == nil)
        #expect(meta.members.count == 3)
    }

    @Test("a _meta that is not an object is replaced")
    func brokenMeta() throws {
        let stamped = Self.stamp(#"{"_meta":"nope","uri":"file:///x"}"#, method: "resources/read")
        #expect(String(buffer: stamped.params) == #"{"_meta":{"# + Self.envelope + #"},"uri":"file:///x"}"#)
        #expect(stamped.name == "file:///x")
    }

    @Test("Mcp-Name comes from params.name or params.uri, by method", arguments: [
        ("tools/call", #"{"name":"t"}"#, "t"),
        ("prompts/get", #"{"name":"p"}"#, "p"),
        ("resources/read", #"{"uri":"feature://a/readme","name":"x"}"#, "feature://a/readme"),
        ("tools/list", #"{"name":"t"}"#, nil),
        ("completion/complete", #"{"ref":{"name":"p"}}"#, nil),
    ] as [(String, String, String?)])
    func routingName(_ method: String, _ params: String, _ expected: String?) {
        #expect(Self.stamp(params, method: method).name == expected)
    }

    @Test("Mcp-Name values are sent as the spec encodes them", arguments: [
        ("echo", "echo"),
        ("feature://a/items/7", "feature://a/items/7"),
        ("héllo", "=?base64?aMOpbGxv?="),
        (" padded", "=?base64?IHBhZGRlZA==?="),
        ("tab\there", "=?base64?dGFiCWhlcmU=?="),
        ("=?base64?abc?=", "=?base64?PT9iYXNlNjQ/YWJjPz0=?="),
    ])
    func nameEncoding(_ value: String, _ header: String) {
        #expect(MCPHeaderValue.encode(value) == header)
        #expect(MCPHeaderValue.decode(header) == value)
    }
}
