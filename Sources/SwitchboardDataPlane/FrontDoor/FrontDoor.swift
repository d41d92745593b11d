package import SwitchboardCore

/// How a message that reached a front door is served (spec digest §1.5), decided the same way
/// for HTTP and stdio: `initialize` opens a legacy session; a message carrying the 2026-07-28
/// envelope (`_meta` protocol version, or over HTTP a 2026 `MCP-Protocol-Version`) and no
/// legacy session is a stateless request; anything else belongs to a session.
package enum FrontDoor: Equatable {
    case initialize
    case session
    case stateless

    /// `hasSession`: over HTTP an `Mcp-Session-Id` was sent; on stdio the process already
    /// initialized. `protocolHeader` is HTTP's `MCP-Protocol-Version` (nil on stdio).
    package init(_ message: JSONRPCMessage, hasSession: Bool, protocolHeader: String? = nil) {
        if message.method == MCPMethod.initialize {
            self = .initialize
        } else if !hasSession, ModernRequest.isModern(message) || protocolHeader.map(ProtocolRevision.modern.contains) == true {
            self = .stateless
        } else {
            self = .session
        }
    }
}
