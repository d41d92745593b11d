package import NIOCore
import NIOHTTP1
import SwitchboardCore

/// Told by a connection when it can take another request or has gone away. Called on the
/// connection's event loop.
package protocol UpstreamHTTPConnectionOwner: AnyObject, Sendable {
    /// An exchange finished and the connection stays open for the next one. (A connection the
    /// server asked to close reports `connectionClosed` instead.)
    func connectionBecameIdle(_ channel: any Channel)
    /// The connection closed, with or without an exchange in flight.
    func connectionClosed(_ channel: any Channel)
}

/// Runs one HTTP/1.1 exchange at a time on a client connection, after NIO's request encoder
/// and response decoder: writes the request, reads the head, then collects, parses as
/// `text/event-stream` or drops the body as the delegate asks. Enforces the request's read
/// timeout (the longest silence) and, on an idle pooled connection, the idle timeout.
///
/// Redirects are not followed (the delegate sees the 3xx), no `Accept-Encoding` is sent so no
/// body is compressed, and a response that says `Connection: close` (or an HTTP/1.0 one
/// without keep-alive) closes the connection when it ends. A connection without an owner is a
/// dedicated one (a long-lived stream) and is closed after its one exchange.
final class UpstreamHTTPConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = UpstreamHTTPExchange
    typealias OutboundOut = HTTPClientRequestPart

    private enum BodyReader {
        case awaitingHead
        case collect(ByteBuffer, maxBytes: Int, truncate: Bool)
        case events(SSEParser)
        case discard
    }

    private let authority: String
    private let owner: (any UpstreamHTTPConnectionOwner)?
    private let idleTimeout: TimeAmount
    /// Plain http through a forward proxy: `http://authority` before each path, and the
    /// proxy's credentials on each request (`OutboundRoute.Connection`).
    private let absoluteFormPrefix: String?
    private let proxyAuthorization: String?

    private var current: UpstreamHTTPExchange?
    private var reader = BodyReader.awaitingHead
    private var keepAlive = true
    private var isActive = true

    /// One timer serves the read timeout (while an exchange runs) and the idle timeout
    /// (between exchanges): it is moved lazily, so reads only store a new deadline.
    private var timer: Scheduled<Void>?
    private var timerFiresAt = NIODeadline.distantFuture
    private var deadline = NIODeadline.distantFuture

    init(
        authority: String, owner: (any UpstreamHTTPConnectionOwner)?, idleTimeout: TimeAmount, absoluteFormPrefix: String? = nil,
        proxyAuthorization: String? = nil
    ) {
        self.authority = authority
        self.owner = owner
        self.idleTimeout = idleTimeout
        self.absoluteFormPrefix = absoluteFormPrefix
        self.proxyAuthorization = proxyAuthorization
    }

    /// Added once the connection is ready (connected, tunnelled, past the TLS handshake).
    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive, current == nil, owner != nil { arm(.now() + idleTimeout, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if current == nil, owner != nil { arm(.now() + idleTimeout, context: context) }
        context.fireChannelActive()
    }

    // MARK: Writing

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard isActive, current == nil else {
            let error: UpstreamTransportError = isActive ? .protocolViolation("connection already busy") : .notConnected
            promise?.fail(error)
            exchange.delegate.responseEnded(error: error)
            return
        }
        current = exchange
        reader = .awaitingHead
        keepAlive = true
        if let handle = exchange.abortHandle, !handle.attach(context.channel) {
            // Cancelled while it waited for a connection: it never reaches the server.
            finish(context: context, error: UpstreamTransportError.notConnected, close: false)
            promise?.succeed()
            return
        }

        let request = exchange.request
        let uri = absoluteFormPrefix.map { $0 + request.target } ?? request.target
        var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: uri, headers: request.headers)
        head.headers.replaceOrAdd(name: "Host", value: authority)
        if let proxyAuthorization { head.headers.replaceOrAdd(name: "Proxy-Authorization", value: proxyAuthorization) }
        if let body = request.body {
            head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        } else if request.method == .POST || request.method == .PUT {
            head.headers.replaceOrAdd(name: "Content-Length", value: "0")
        }
        if let timeout = request.readTimeout {
            arm(.now() + timeout, context: context)
        } else {
            disarm()
        }

        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = request.body, body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let written = promise ?? context.eventLoop.makePromise()
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenFailure { [self] error in
            guard isCurrent(exchange) else { return }
            finish(context: context, error: error, close: true)
        }
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange = current else {
            // Bytes nobody asked for: the connection's framing can no longer be trusted.
            context.close(promise: nil)
            return
        }
        if let timeout = exchange.request.readTimeout { deadline = .now() + timeout }

        switch unwrapInboundIn(data) {
        case .head(let head):
            guard case .awaitingHead = reader, head.status.code >= 200 else { return }
            keepAlive = head.isKeepAlive
            switch exchange.delegate.responseHead(head) {
            case .collect(let maxBytes): reader = .collect(ByteBuffer(), maxBytes: maxBytes, truncate: false)
            case .collectPrefix(let maxBytes): reader = .collect(ByteBuffer(), maxBytes: maxBytes, truncate: true)
            case .serverSentEvents(let maxEventBytes): reader = .events(SSEParser(maxEventBytes: maxEventBytes))
            case .discard: reader = .discard
            }
        case .body(let part):
            readBody(part, exchange: exchange, context: context)
        case .end:
            if case .collect(let body, _, _) = reader {
                reader = .discard
                exchange.delegate.responseBody(body)
                guard isCurrent(exchange) else { return }
            }
            finish(context: context, error: nil, close: !keepAlive || owner == nil)
        }
    }

    private func readBody(_ part: ByteBuffer, exchange: UpstreamHTTPExchange, context: ChannelHandlerContext) {
        switch reader {
        case .awaitingHead, .discard:
            break
        case .collect(var body, let maxBytes, let truncate):
            reader = .discard  // keeps `body` uniquely referenced while it grows
            if body.readableBytes + part.readableBytes <= maxBytes {
                body.writeImmutableBuffer(part)
            } else if truncate {
                body.writeImmutableBuffer(part.getSlice(at: part.readerIndex, length: maxBytes - body.readableBytes)!)
            } else {
                finish(context: context, error: UpstreamTransportError.frameTooLarge(maxBytes), close: true)
                return
            }
            reader = .collect(body, maxBytes: maxBytes, truncate: truncate)
        case .events(var parser):
            reader = .discard
            parser.feed(part)
            var current = true
            do {
                try parser.drain { event in
                    exchange.delegate.responseEvent(event)
                    // The delegate may have cancelled the stream from inside the callback.
                    current = isCurrent(exchange)
                    return current
                }
            } catch {
                finish(context: context, error: UpstreamTransportError.frameTooLarge(parser.maxEventBytes), close: true)
                return
            }
            guard current else { return }
            reader = .events(parser)
        }
    }

    private func isCurrent(_ exchange: UpstreamHTTPExchange) -> Bool {
        current.map { $0.delegate === exchange.delegate } ?? false
    }

    // MARK: Ending

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        disarm()
        finish(context: context, error: UpstreamTransportError.protocolViolation("connection closed before the response ended"), close: false)
        owner?.connectionClosed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(context: context, error: error, close: true)
        context.close(promise: nil)
    }

    /// Ends the current exchange, if any. The connection is handed back before the delegate
    /// hears of the end, so a request made from `responseEnded` can reuse it.
    private func finish(context: ChannelHandlerContext, error: (any Error)?, close: Bool) {
        guard let exchange = current else { return }
        current = nil
        reader = .awaitingHead
        exchange.abortHandle?.detach()
        let closing = close || error != nil || owner == nil || !isActive
        if closing {
            disarm()
            if isActive { context.close(promise: nil) }
        } else {
            arm(.now() + idleTimeout, context: context)
            owner?.connectionBecameIdle(context.channel)
        }
        exchange.delegate.responseEnded(error: error)
    }

    // MARK: Timer

    private func arm(_ newDeadline: NIODeadline, context: ChannelHandlerContext) {
        deadline = newDeadline
        if timer != nil, timerFiresAt <= newDeadline { return }
        timer?.cancel()
        timerFiresAt = newDeadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: newDeadline) { [self] in
            timerFired(context: context)
        }
    }

    private func disarm() {
        deadline = .distantFuture
    }

    private func timerFired(context: ChannelHandlerContext) {
        timer = nil
        guard isActive, deadline != .distantFuture else { return }
        if NIODeadline.now() < deadline {
            arm(deadline, context: context)
            return
        }
        if let exchange = current {
            let timeout = exchange.request.readTimeout ?? .zero
            finish(context: context, error: UpstreamTransportError.timeout("no response data for \(timeout)"), close: true)
        } else {
            context.close(promise: nil)
        }
    }
}
