import NIOCore
import NIOHTTP1

/// One request as the HTTP endpoints see it: read whole, routed, its caller proven.
struct HTTPRequest {
    let head: HTTPRequestHead
    let body: ByteBuffer
    /// When its last byte was read (`ExchangeTimings.now()`).
    let received: UInt64
    let caller: RequestCaller
    /// The virtual server of `/mcp/{name}`; nil for `/mcp`.
    let virtualServer: String?
}
