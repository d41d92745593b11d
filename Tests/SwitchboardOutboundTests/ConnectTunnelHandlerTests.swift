import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import SwitchboardOutbound

/// The `CONNECT` exchange with a proxy, byte by byte on an `EmbeddedChannel`: the request it
/// writes, answers split across reads, bytes after the answer passed on, and refusals named.
@Suite struct ConnectTunnelHandlerTests {
    func make(authorization: String? = nil) throws -> (EmbeddedChannel, EventLoopFuture<Void>) {
        let channel = EmbeddedChannel()
        let promise = channel.eventLoop.makePromise(of: Void.self)
        try channel.pipeline.syncOperations.addHandler(
            ConnectTunnelHandler(target: "mcp.example.com:443", proxyName: "http://proxy:3128", authorization: authorization, promise: promise)
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 3128)).wait()
        return (channel, promise.futureResult)
    }

    func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { text += buffer.readString(length: buffer.readableBytes) ?? "" }
        return text
    }

    @Test func opensATunnelAndPassesLaterBytesOn() throws {
        let (channel, tunnel) = try make(authorization: "Basic YTpi")
        #expect(try written(channel) == "CONNECT mcp.example.com:443 HTTP/1.1\r\nHost: mcp.example.com:443\r\nProxy-Authorization: Basic YTpi\r\n\r\n")
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 Connection established\r\nProxy-Ag"))
        let done = Mutex(false)
        tunnel.whenSuccess { done.withLock { $0 = true } }
        #expect(!done.withLock { $0 }, "half an answer opens nothing")
        try channel.writeInbound(ByteBuffer(string: "ent: tinyproxy\r\n\r\n\u{16}\u{03}\u{01}"))
        #expect(done.withLock { $0 })
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "\u{16}\u{03}\u{01}"), "bytes after the head are the tunnel's")
        try channel.writeInbound(ByteBuffer(string: "more"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "more"), "the handler is gone")
        _ = try channel.finish()
    }

    @Test(arguments: [
        ("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", "refused the tunnel to mcp.example.com:443: 407 Proxy Authentication Required (proxy credentials missing or refused)"),
        ("HTTP/1.1 403 Forbidden\r\n\r\n", "403 Forbidden (the proxy does not allow this destination or port)"),
        ("SSH-2.0-OpenSSH\r\n\r\n", "did not answer CONNECT with HTTP"),
    ])
    func namesARefusal(_ answer: String, _ message: String) throws {
        let (channel, tunnel) = try make()
        _ = try written(channel)
        let failed = Mutex<OutboundError?>(nil)
        tunnel.whenFailure { error in failed.withLock { $0 = error as? OutboundError } }
        try channel.writeInbound(ByteBuffer(string: answer))
        let failure = failed.withLock { $0 }
        #expect(failure?.stage == .proxy)
        #expect(failure?.message.contains(message) == true, "\(String(describing: failure))")
        #expect(failure?.message.hasPrefix("proxy http://proxy:3128 ") == true)
    }

    @Test func aProxyThatHangsUpIsNamed() throws {
        let (channel, tunnel) = try make()
        let failed = Mutex<OutboundError?>(nil)
        tunnel.whenFailure { error in failed.withLock { $0 = error as? OutboundError } }
        channel.pipeline.fireChannelInactive()
        #expect(failed.withLock { $0 }?.message == "proxy http://proxy:3128 closed the connection before answering CONNECT")
    }

    @Test func anEndlessHeadIsRefused() throws {
        let (channel, tunnel) = try make()
        let failed = Mutex<OutboundError?>(nil)
        tunnel.whenFailure { error in failed.withLock { $0 = error as? OutboundError } }
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: ConnectTunnelHandler.maxHeadBytes)))
        #expect(failed.withLock { $0 }?.message.contains("header over 16 KiB") == true)
    }
}
