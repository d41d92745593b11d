import NIOCore
import SwitchboardUpstream
import Testing

@Suite("JSONRPCResponseProbe")
struct JSONRPCResponseProbeTests {
    @Test(
        "tells responses from requests and notifications",
        arguments: [
            (#"{"jsonrpc":"2.0","id":1,"result":{}}"#, true),
            (#"{"jsonrpc":"2.0","id":"a","error":{"code":-32601,"message":"x"}}"#, true),
            (#" { "result" : null , "id" : 2 } "#, true),
            (#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"result":1}}"#, false),
            (#"{"jsonrpc":"2.0","id":3,"method":"sampling/createMessage","params":{"error":"no"}}"#, false),
            (#"{"jsonrpc":"2.0","id":4,"params":{"result":{}},"method":"x"}"#, false),
            (#"{"params":{"text":"\"result\": 1"},"method":"m"}"#, false),
            (#"{"a":"\\","result":1}"#, true),
            (#"[{"jsonrpc":"2.0","id":1,"result":{}}]"#, true),
            (#"{}"#, false),
        ]
    )
    func probe(_ message: String, _ isResponse: Bool) {
        #expect(JSONRPCResponseProbe.isResponse(ByteBuffer(string: message)) == isResponse)
    }
}
