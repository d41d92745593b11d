package import Logging
package import NIOCore
import NIOHTTP1
import NIOPosix
package import SwitchboardOutbound
import Synchronization

/// A small HTTP/1.1 client for one upstream origin, on one event loop. Ordinary requests share
/// a bounded pool of keep-alive connections; long-lived streams (`openStream`) get a connection
/// of their own that is closed when the stream ends. Every delegate callback runs on
/// `eventLoop`. How a connection is made (direct or through a proxy, clear or TLS) is the
/// route's business: a pooled https connection pays its handshake once and then serves call
/// after call.
package final class UpstreamHTTPClient: UpstreamHTTPConnectionOwner {
    package struct Configuration: Sendable {
        /// Where connections go and how: proxy, TLS.
        package var route: OutboundRoute
        package var host: String { route.host }
        package var port: Int { route.port }
        /// The `Host` header value.
        package var authority: String
        package var connectTimeout: TimeAmount
        package var maxConnections: Int
        /// Requests waiting for a connection beyond `maxConnections`; more are refused.
        package var maxQueuedRequests: Int
        /// How long a request may wait in that queue.
        package var queueTimeout: TimeAmount
        /// An idle pooled connection is closed after this long. Kept below the 5 s keep-alive
        /// timeout common in servers (uvicorn, Node) so that a request rarely meets a
        /// connection the server is closing.
        package var idleConnectionTimeout: TimeAmount

        /// A direct, plain connection to `host:port`, unless `route` says otherwise.
        package init(
            host: String,
            port: Int,
            route: OutboundRoute? = nil,
            authority: String,
            connectTimeout: TimeAmount,
            maxConnections: Int,
            maxQueuedRequests: Int? = nil,
            queueTimeout: TimeAmount = .seconds(60),
            idleConnectionTimeout: TimeAmount = .seconds(4)
        ) {
            self.route = route ?? OutboundRoute(host: host, port: port, tls: nil, proxy: nil)
            self.authority = authority
            self.connectTimeout = connectTimeout
            self.maxConnections = max(1, maxConnections)
            self.maxQueuedRequests = maxQueuedRequests ?? max(64, 8 * maxConnections)
            self.queueTimeout = queueTimeout
            self.idleConnectionTimeout = idleConnectionTimeout
        }
    }

    package let configuration: Configuration
    package let eventLoop: any EventLoop
    private let logger: Logger
    private let pool: Mutex<UpstreamHTTPPoolStateMachine>
    private let streams = Mutex<(channels: [ObjectIdentifier: any Channel], isShutDown: Bool)>(([:], false))

    package init(configuration: Configuration, eventLoop: any EventLoop, logger: Logger) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.logger = logger
        self.pool = Mutex(UpstreamHTTPPoolStateMachine(
            maxConnections: configuration.maxConnections,
            maxWaiters: configuration.maxQueuedRequests
        ))
    }

    /// Connections in the pool now (idle or busy); streams not counted.
    package var openPooledConnections: Int { pool.withLock { $0.openConnections } }

    // MARK: Pooled requests

    /// Runs a request on a pooled connection; the delegate hears everything, failures included.
    /// With `abortHandle`, cancelling the handle closes the connection the request runs on
    /// (the pool then opens another).
    package func execute(_ request: UpstreamHTTPRequest, delegate: any UpstreamHTTPResponseDelegate, abortHandle: UpstreamHTTPStream? = nil) {
        let exchange = UpstreamHTTPExchange(request: request, delegate: delegate, abortHandle: abortHandle)
        if eventLoop.inEventLoop {
            acquire(exchange)
        } else {
            eventLoop.execute { self.acquire(exchange) }
        }
    }

    private func acquire(_ exchange: UpstreamHTTPExchange) {
        switch pool.withLock({ $0.acquire(exchange) }) {
        case .run(let exchange, let channel):
            channel.writeAndFlush(exchange, promise: nil)
        case .fail(let exchange, let error):
            exchange.delegate.responseEnded(error: error)
        case .wait(let waiterID, let createConnection):
            let timeout = eventLoop.scheduleTask(in: configuration.queueTimeout) { self.waiterTimedOut(waiterID) }
            if !pool.withLock({ $0.setTimeout(timeout, forWaiter: waiterID) }) { timeout.cancel() }
            if createConnection { openPooledConnection() }
        }
    }

    private func waiterTimedOut(_ id: UInt64) {
        guard let waiter = pool.withLock({ $0.waiterTimedOut(id) }) else { return }
        waiter.exchange.delegate.responseEnded(error: UpstreamTransportError.timeout("waiting for a free upstream connection"))
    }

    private func openPooledConnection() {
        connect(owner: self).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let channel):
                self.perform(self.pool.withLock { $0.connectionEstablished(channel) })
            case .failure(let error):
                let failed = self.pool.withLock { $0.connectionFailed() }
                if !failed.isEmpty {
                    self.logger.debug("upstream connect failed", metadata: ["switchboard.error": "\(error)"])
                }
                for waiter in failed {
                    waiter.timeout?.cancel()
                    waiter.exchange.delegate.responseEnded(error: error)
                }
            }
        }
    }

    private func perform(_ action: UpstreamHTTPPoolStateMachine.ConnectionAction) {
        switch action {
        case .none:
            break
        case .run(let waiter, let channel):
            waiter.timeout?.cancel()
            channel.writeAndFlush(waiter.exchange, promise: nil)
        case .close(let channel):
            channel.close(promise: nil)
        case .createConnection:
            openPooledConnection()
        }
    }

    package func connectionBecameIdle(_ channel: any Channel) {
        perform(pool.withLock { $0.connectionBecameIdle(channel) })
    }

    package func connectionClosed(_ channel: any Channel) {
        perform(pool.withLock { $0.connectionClosed(channel) })
    }

    // MARK: Dedicated streams

    /// Runs a request on a connection of its own, for a response that may last indefinitely.
    /// `cancel()` on the returned handle closes it; the delegate still hears `responseEnded`.
    @discardableResult
    package func openStream(
        _ request: UpstreamHTTPRequest,
        delegate: any UpstreamHTTPResponseDelegate,
        handle stream: UpstreamHTTPStream = UpstreamHTTPStream()
    ) -> UpstreamHTTPStream {
        let exchange = UpstreamHTTPExchange(request: request, delegate: delegate)
        eventLoop.execute {
            guard !self.streams.withLock({ $0.isShutDown }) else {
                delegate.responseEnded(error: UpstreamTransportError.notConnected)
                return
            }
            self.connect(owner: nil).assumeIsolated().whenComplete { result in
                switch result {
                case .success(let channel):
                    let id = ObjectIdentifier(channel)
                    let accepted = self.streams.withLock { state -> Bool in
                        guard !state.isShutDown else { return false }
                        state.channels[id] = channel
                        return true
                    }
                    guard accepted, stream.attach(channel) else {
                        channel.close(promise: nil)
                        delegate.responseEnded(error: UpstreamTransportError.notConnected)
                        return
                    }
                    channel.closeFuture.whenComplete { _ in self.streams.withLock { _ = $0.channels.removeValue(forKey: id) } }
                    channel.writeAndFlush(exchange, promise: nil)
                case .failure(let error):
                    delegate.responseEnded(error: error)
                }
            }
        }
        return stream
    }

    // MARK: Connecting

    private func connect(owner: (any UpstreamHTTPConnectionOwner)?) -> EventLoopFuture<any Channel> {
        let configuration = configuration
        return configuration.route.connect(on: eventLoop, connectTimeout: configuration.connectTimeout, authority: configuration.authority)
            .flatMapErrorThrowing { error in
                if case ChannelError.connectTimeout = error {
                    throw UpstreamTransportError.timeout("connecting to \(configuration.authority)")
                }
                throw error
            }
            .flatMapThrowing { connection in
                let pipeline = connection.channel.pipeline.syncOperations
                try pipeline.addHTTPClientHandlers()
                try pipeline.addHandler(UpstreamHTTPConnectionHandler(
                    authority: configuration.authority,
                    owner: owner,
                    idleTimeout: configuration.idleConnectionTimeout,
                    absoluteFormPrefix: connection.absoluteFormPrefix,
                    proxyAuthorization: connection.proxyAuthorization
                ))
                return connection.channel
            }
    }

    // MARK: Shutdown

    /// Refuses new requests, fails queued ones and closes every connection, streams included.
    /// In-flight requests end with an error.
    package func shutdown() -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            let (waiters, pooled) = self.pool.withLock { $0.shutDown() }
            let streamChannels = self.streams.withLock { state -> [any Channel] in
                state.isShutDown = true
                defer { state.channels.removeAll() }
                return Array(state.channels.values)
            }
            for waiter in waiters {
                waiter.timeout?.cancel()
                waiter.exchange.delegate.responseEnded(error: UpstreamTransportError.notConnected)
            }
            let closes = (pooled + streamChannels).map { channel in
                channel.close().recover { _ in }
            }
            return EventLoopFuture.andAllComplete(closes, on: self.eventLoop)
        }
    }
}
