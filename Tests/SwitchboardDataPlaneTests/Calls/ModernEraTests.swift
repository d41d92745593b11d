import Foundation
import NIOCore
import NIOHTTP1
import Testing
import SwitchboardCore
@testable import SwitchboardDataPlane

/// The pieces of the 2026-07-28 face that need no network: header values, `Mcp-Param-*`
/// checks, result and error shaping per era.
@Suite struct ModernEraTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("ünïcode", nil),
        (" leading space", nil),
        ("=?base64?looks?=", nil),
        ("tab\there", nil),
    ] as [(String, String?)])
    func headerValuesRoundTrip(value: String, plain: String?) {
        let encoded = MCPHeaderValue.encode(value)
        if let plain { #expect(encoded == plain) } else { #expect(encoded.hasPrefix("=?base64?") && encoded.hasSuffix("?=")) }
        #expect(MCPHeaderValue.decode(encoded) == value)
        #expect(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
    }

    @Test func badBase64HeaderDoesNotDecode() {
        #expect(MCPHeaderValue.decode("=?base64?!!!?=") == nil)
        #expect(MCPHeaderValue.decode("=?base64?/w==?=") == nil, "0xFF is not UTF-8")
    }

    private func view(_ json: String) throws -> JSONView { try JSONView.parse(ByteBuffer(string: json)) }

    @Test func paramHeadersAreIndexedFromToolPages() throws {
        let index = ParamHeaderIndex()
        let page = try view(#"{"tools":[{"name":"get","inputSchema":{"type":"object","properties":{"region":{"type":"string","x-mcp-header":"Region"},"n":{"type":"integer","x-mcp-header":"N"},"free":{"type":"string"}}}},{"name":"plain","inputSchema":{"type":"object"}}]}"#)
        index.record(server: "crm", page: page)
        #expect(index.params(for: "crm__get") == [.init(property: "region", header: "Region"), .init(property: "n", header: "N")])
        #expect(index.params(for: "crm__plain").isEmpty)
        // The tool lost its annotations: the next page says so.
        index.record(server: "crm", page: try view(#"{"tools":[{"name":"get","inputSchema":{"type":"object"}}]}"#))
        #expect(index.params(for: "crm__get").isEmpty)
    }

    @Test(arguments: [
        (#"{"region":"eu"}"#, ["Mcp-Param-Region": "eu"], true),
        (#"{"region":"eu"}"#, ["Mcp-Param-Region": "us"], false),
        (#"{"region":"eu"}"#, [:], false),
        (#"{}"#, ["Mcp-Param-Region": "eu"], false),
        (#"{"region":null}"#, [:], true),
        (#"{"region":"zürich"}"#, ["Mcp-Param-Region": MCPHeaderValue.encode("zürich")], true),
        (#"{"region":42}"#, ["Mcp-Param-Region": "42"], true),
        (#"{"region":true}"#, ["Mcp-Param-Region": "true"], true),
    ] as [(String, [String: String], Bool)])
    func paramHeadersMustMirrorArguments(arguments: String, headers: [String: String], ok: Bool) throws {
        var h = HTTPHeaders()
        for (name, value) in headers { h.add(name: name, value: value) }
        let problem = ModernRequest.mismatch(.init(property: "region", header: "Region"), arguments: try view(arguments), headers: h)
        #expect((problem == nil) == ok, "\(problem ?? "ok")")
    }

    private func session(_ revision: String) -> DownstreamSession {
        DownstreamSession(id: "", revision: revision, clientCapabilities: nil, clientName: "t", tap: nil, serverInfo: #"{"name":"switchboard","version":"1"}"#)
    }

    @Test func modernResultsGetResultTypeCacheHintsAndServerInfo() throws {
        let list = EraShaping.result(ByteBuffer(string: #"{"tools":[]}"#), method: MCPMethod.toolsList, for: session("2026-07-28"), fromModernServer: false)
        let v = try JSONView.parse(list)
        #expect(v["resultType"]?.string == "complete")
        #expect(v["ttlMs"]?.int == 0)
        #expect(v["cacheScope"]?.string == "public")
        #expect(v["_meta"]?[MCPMeta.serverInfo]?["name"]?.string == "switchboard")
        #expect(v["tools"]?.isArray == true)
        // A server that called its list private keeps the merged list private.
        let privateList = EraShaping.result(ByteBuffer(string: #"{"tools":[]}"#), method: MCPMethod.toolsList, for: session("2026-07-28"), fromModernServer: false, cacheScope: "private")
        #expect(try JSONView.parse(privateList)["cacheScope"]?.string == "private")
        // Members a legacy server already set are not added twice.
        let withMeta = EraShaping.result(ByteBuffer(string: #"{"content":[],"_meta":{"x":1}}"#), method: MCPMethod.toolsCall, for: session("2026-07-28"), fromModernServer: false)
        #expect(String(buffer: withMeta) == #"{"resultType":"complete","content":[],"_meta":{"x":1}}"#)
        // A modern server's own resultType and hints are kept.
        let relayed = EraShaping.result(ByteBuffer(string: #"{"resultType":"input_required","requestState":"x"}"#), method: MCPMethod.toolsCall, for: session("2026-07-28"), fromModernServer: true)
        #expect(try JSONView.parse(relayed)["resultType"]?.string == "input_required")
        #expect(String(buffer: relayed).components(separatedBy: "resultType").count == 2)
    }

    @Test func legacyClientsLoseModernOnlyMembers() throws {
        let shaped = EraShaping.result(ByteBuffer(string: #"{"resultType":"complete","content":[],"ttlMs":5,"cacheScope":"public","isError":false}"#), method: MCPMethod.toolsCall, for: session("2025-11-25"), fromModernServer: true)
        #expect(String(buffer: shaped) == #"{"content":[],"isError":false}"#)
        let untouched = ByteBuffer(string: #"{"content":[]}"#)
        #expect(EraShaping.result(untouched, method: MCPMethod.toolsCall, for: session("2025-11-25"), fromModernServer: false) == untouched)
    }

    @Test func byteSearchFindsNeedlesAnywhere() {
        let buffer = ByteBuffer(string: #"{"a":"taskId","taskId":1}"#)
        #expect(buffer.containsBytes(Array(#""taskId""#.utf8)))
        #expect(buffer.containsBytes(Array("}".utf8)))
        #expect(!buffer.containsBytes(Array(#""_meta""#.utf8)))
        #expect(!ByteBuffer(string: "ab").containsBytes(Array("abc".utf8)))
        var sliced = ByteBuffer(string: "xxneedle")
        sliced.moveReaderIndex(forwardBy: 3)
        #expect(!sliced.containsBytes(Array("needle".utf8)), "only readable bytes count")
        #expect(sliced.containsBytes(Array("eedle".utf8)))
    }

    @Test func spliceInsertsAndRemovesMembers() throws {
        #expect(String(buffer: JSONSplice.inserting(#""a":1"#, into: ByteBuffer(string: " {}"))) == #"{"a":1}"#)
        #expect(String(buffer: JSONSplice.inserting(#""a":1"#, into: ByteBuffer(string: #"{"b":2}"#))) == #"{"a":1,"b":2}"#)
        let removed = JSONSplice.removing(["b"], from: try view(#"{"a":1, "b":{"x":[1,2]} ,"c":"}"}"#))
        #expect(removed.map { String(buffer: $0) } == #"{"a":1,"c":"}"}"#)
        #expect(JSONSplice.removing(["z"], from: try view(#"{"a":1}"#)) == nil)
    }
}
