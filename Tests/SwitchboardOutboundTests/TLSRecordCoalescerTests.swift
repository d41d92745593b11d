import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import SwitchboardOutbound

/// What reaches NIOSSL from the HTTP codec, on an `EmbeddedChannel`: one buffer per flush for
/// a small request, large writes untouched and in order.
@Suite struct TLSRecordCoalescerTests {
    func make() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(TLSRecordCoalescer())
        return channel
    }

    func outbound(_ channel: EmbeddedChannel) throws -> [ByteBuffer] {
        var buffers: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { buffers.append(buffer) }
        return buffers
    }

    @Test func aRequestsPiecesLeaveAsOneBuffer() throws {
        let channel = try make()
        let done = Mutex(0)
        for piece in ["POST /mcp HTTP/1.1\r\nContent-Length: 2\r\n\r\n", "{}", ""] {
            let promise = channel.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenSuccess { done.withLock { $0 += 1 } }
            channel.write(ByteBuffer(string: piece), promise: promise)
        }
        #expect(try outbound(channel).isEmpty, "nothing leaves before the flush")
        channel.flush()
        #expect(try outbound(channel) == [ByteBuffer(string: "POST /mcp HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}")])
        #expect(done.withLock { $0 } == 3, "every write's promise is kept")
        _ = try channel.finish()
    }

    @Test func largeWritesPassThroughInOrder() throws {
        let channel = try make()
        let large = ByteBuffer(repeating: UInt8(ascii: "x"), count: TLSRecordCoalescer.maximumBytes)
        channel.write(ByteBuffer(string: "head"), promise: nil)
        channel.write(large, promise: nil)
        channel.write(ByteBuffer(string: "tail"), promise: nil)
        channel.flush()
        #expect(try outbound(channel) == [ByteBuffer(string: "head"), large, ByteBuffer(string: "tail")])
        _ = try channel.finish()
    }
}
