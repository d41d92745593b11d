import NIOCore

/// Asks a forward proxy for a tunnel (`CONNECT host:port`, RFC 9110 §9.3.6) and completes
/// `promise` once the proxy answered 2xx; then removes itself, passing on any bytes that came
/// after the proxy's answer. Anything else fails the promise with the proxy's status line,
/// never the request (which may carry `Proxy-Authorization`).
final class ConnectTunnelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A proxy's answer head is small; one larger is not a proxy we can talk to.
    static let maxHeadBytes = 16 * 1024

    private let target: String
    private let proxyName: String
    private let authorization: String?
    private let promise: EventLoopPromise<Void>
    private var received: ByteBuffer?
    private var sent = false
    private var done = false

    /// `target` is `host:port` (IPv6 in brackets); `proxyName` names the proxy in errors.
    init(target: String, proxyName: String, authorization: String?, promise: EventLoopPromise<Void>) {
        self.target = target
        self.proxyName = proxyName
        self.authorization = authorization
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        sendRequest(context: context)
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { sendRequest(context: context) }
    }

    private func sendRequest(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        var head = "CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\n"
        if let authorization { head += "Proxy-Authorization: \(authorization)\r\n" }
        head += "\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: head)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else {
            context.fireChannelRead(data)
            return
        }
        var bytes = unwrapInboundIn(data)
        if received == nil { received = bytes } else { received!.writeBuffer(&bytes) }
        guard let buffer = received else { return }
        let view = buffer.readableBytesView
        guard let end = Self.endOfHead(view) else {
            if buffer.readableBytes > Self.maxHeadBytes { fail(context: context, "answered CONNECT with a header over 16 KiB") }
            return
        }
        let headBytes = view[view.startIndex..<end]
        let statusLine = String(decoding: headBytes.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            fail(context: context, "did not answer CONNECT with HTTP")
            return
        }
        guard (200..<300).contains(status) else {
            let reason = parts.count > 2 ? " " + parts[2].prefix(80) : ""
            let hint = status == 407 || status == 401 ? " (proxy credentials missing or refused)" : status == 403 ? " (the proxy does not allow this destination or port)" : ""
            fail(context: context, "refused the tunnel to \(target): \(status)\(reason)\(hint)")
            return
        }
        done = true
        var rest = buffer
        rest.moveReaderIndex(forwardBy: end - view.startIndex + 4)
        received = nil
        // The owner puts the TLS handler behind this one when the promise succeeds; what the
        // server already sent through the tunnel goes to it, then this handler leaves.
        promise.succeed()
        if rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !done else {
            context.fireErrorCaught(error)
            return
        }
        fail(context: context, "failed during CONNECT: \(error)")
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done { fail(context: context, "closed the connection before answering CONNECT") }
        context.fireChannelInactive()
    }

    private func fail(context: ChannelHandlerContext, _ what: String) {
        guard !done else { return }
        done = true
        promise.fail(OutboundError(.proxy, "proxy \(proxyName) \(what)"))
        context.close(promise: nil)
    }

    /// The index of the `\r\n\r\n` that ends the head, if it has arrived.
    static func endOfHead(_ view: ByteBufferView) -> ByteBufferView.Index? {
        var index = view.startIndex
        while index + 3 < view.endIndex {
            if view[index] == 13, view[index + 1] == 10, view[index + 2] == 13, view[index + 3] == 10 { return index }
            index += 1
        }
        return nil
    }
}
