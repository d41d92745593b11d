import NIOCore

/// Joins the small writes made before one flush into one buffer, so that TLS seals one record
/// per request instead of one per piece: the HTTP encoder writes a request's head, its body
/// and an empty end separately, and NIOSSL hands each write to BoringSSL on its own (a record,
/// an AEAD seal, a header and a tag each). Sits between NIOSSL and the HTTP codec.
///
/// Writes past `maximumBytes` (a record holds 16 KiB) pass through as they are, after what is
/// held, so nothing is copied twice or reordered.
final class TLSRecordCoalescer: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    static let maximumBytes = 16 * 1024

    private var held: ByteBuffer?
    private var promise: EventLoopPromise<Void>?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .byteBuffer(let buffer) = unwrapOutboundIn(data),
            buffer.readableBytes + (held?.readableBytes ?? 0) <= Self.maximumBytes
        else {
            release(context: context)
            context.write(data, promise: promise)
            return
        }
        hold(promise)
        guard buffer.readableBytes > 0 else { return }
        if held == nil {
            held = buffer
        } else {
            held!.writeImmutableBuffer(buffer)
        }
    }

    func flush(context: ChannelHandlerContext) {
        release(context: context)
        context.flush()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // Held bytes go first: a close after a write without a flush must not drop the write.
        release(context: context)
        context.close(mode: mode, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Removed only with the channel: held bytes can go nowhere.
        held = nil
        promise?.fail(ChannelError.ioOnClosedChannel)
        promise = nil
    }

    /// Passes what is held on, unflushed, with its writes' promises.
    private func release(context: ChannelHandlerContext) {
        let buffer = held
        let promise = self.promise
        held = nil
        self.promise = nil
        if let buffer {
            context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
        } else {
            promise?.succeed()
        }
    }

    /// One promise stands for every held write: they succeed or fail together.
    private func hold(_ next: EventLoopPromise<Void>?) {
        guard let next else { return }
        if let promise {
            promise.futureResult.cascade(to: next)
        } else {
            promise = next
        }
    }
}
