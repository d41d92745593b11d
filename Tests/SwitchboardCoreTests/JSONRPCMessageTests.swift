import NIOCore
import Testing
@testable import SwitchboardCore

@Suite struct JSONRPCMessageTests {
    private func parse(_ text: String) throws(JSONRPCMessageError) -> JSONRPCMessage {
        try JSONRPCMessage.parse(ByteBuffer(string: text))
    }

    @Test func classifiesMessages() throws {
        let request = try parse(#"{"jsonrpc":"2.0","id":"a1","method":"tools/call","params":{"name":"x__y","_meta":{"progressToken":5}}}"#)
        #expect(request.kind == .request)
        #expect(request.id == JSONRPCID(json: #""a1""#))
        #expect(request.paramsName == "x__y")
        #expect(request.progressToken?.rawText == "5")
        #expect(try parse(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).kind == .notification)
        #expect(try parse(#"{"jsonrpc":"2.0","id":7,"result":{}}"#).kind == .response)
        #expect(try parse(#"{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"x"}}"#).kind == .errorResponse)
        #expect(try parse(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}"#).kind == .errorResponse)
    }

    @Test(arguments: [
        (#"[1]"#, "object"),
        (#"{"id":1,"method":"x"}"#, "jsonrpc"),
        (#"{"jsonrpc":"1.0","id":1,"method":"x"}"#, "jsonrpc"),
        (#"{"jsonrpc":"2.0","id":{},"method":"x"}"#, "id"),
        (#"{"jsonrpc":"2.0","id":null,"method":"x"}"#, "id"),
        (#"{"jsonrpc":"2.0","id":1,"method":3}"#, "method"),
        (#"{"jsonrpc":"2.0","id":1,"method":"x","params":[1]}"#, "params"),
        (#"{"jsonrpc":"2.0","id":1}"#, "result"),
        (#"{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":""}}"#, "both"),
        (#"{"jsonrpc":"2.0"}"#, "method"),
    ])
    func rejectsNonJSONRPC(_ text: String, _ mention: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == -32600)
            #expect(error.message.contains(mention))
        }
    }

    @Test func malformedJSONIsParseError() {
        #expect(throws: JSONRPCMessageError.self) { try parse("{nope") }
        do { _ = try parse("{nope") } catch { #expect(error.code == -32700) }
    }

    @Test func encodesEnvelopesAroundOriginalBytes() throws {
        let original = try parse(#"{"jsonrpc":"2.0","id":3,"result":{"tools":[{"name":"a"}]}}"#)
        let reframed = JSONRPCEncoding.result(id: JSONRPCID(string: "x\"y"), result: original.result!.bytes)
        #expect(String(buffer: reframed) == #"{"jsonrpc":"2.0","id":"x\"y","result":{"tools":[{"name":"a"}]}}"#)
        let error = JSONRPCEncoding.error(id: nil, code: -32700, message: "bad")
        #expect(String(buffer: error) == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}}"#)
    }
}
