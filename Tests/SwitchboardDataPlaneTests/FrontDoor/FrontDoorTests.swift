import NIOCore
import SwitchboardCore
import Testing
@testable import SwitchboardDataPlane

/// How HTTP and stdio tell the three kinds of message apart (spec digest §1.5).
@Suite struct FrontDoorTests {
    static let modernMeta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}"#

    @Test(arguments: [
        // message, has a session, MCP-Protocol-Version header, door
        (#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#, false, nil, FrontDoor.initialize),
        (#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#, true, nil, .initialize),
        (#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"# + modernMeta + "}}", false, nil, .stateless),
        // An Mcp-Session-Id makes it a legacy session's, whatever the body says.
        (#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"# + modernMeta + "}}", true, nil, .session),
        // The 2026 header alone classifies it; the request checks then refuse what is missing.
        (#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, false, "2026-07-28", .stateless),
        (#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, false, "2025-11-25", .session),
        (#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, false, nil, .session),
        (#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, true, "2025-06-18", .session),
    ] as [(String, Bool, String?, FrontDoor)])
    func classification(json: String, hasSession: Bool, header: String?, door: FrontDoor) throws {
        let message = try JSONRPCMessage.parse(ByteBuffer(string: json), maxDepth: 16)
        #expect(FrontDoor(message, hasSession: hasSession, protocolHeader: header) == door)
    }
}
