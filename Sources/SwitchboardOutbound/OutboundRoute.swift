package import NIOCore
import NIOPosix
import NIOSSL
import SwitchboardCore

/// How the gateway reaches one origin: straight or through a forward proxy, in clear or in
/// TLS. `connect` hands back a connection that is ready for HTTP: for https, tunnelled (when
/// proxied) and past a verified handshake; for http through a proxy, connected to the proxy,
/// with requests to be sent in absolute form.
package struct OutboundRoute: Sendable {
    package let host: String
    package let port: Int
    package let tls: OutboundTLS?
    package let proxy: ProxyHop?

    /// Set when the route could not be made (an unreadable CA file, a bad `HTTPS_PROXY`):
    /// every connection attempt then fails with it.
    package let broken: OutboundError?

    package init(host: String, port: Int, tls: OutboundTLS?, proxy: ProxyHop?) {
        self.host = host
        self.port = port
        self.tls = tls
        self.proxy = proxy
        self.broken = nil
    }

    /// A route that fails every connection with `error`.
    package init(host: String, port: Int, broken error: OutboundError) {
        self.host = host
        self.port = port
        self.tls = nil
        self.proxy = nil
        self.broken = error
    }

    /// A connection ready for HTTP, and how requests on it must be written.
    package struct Connection {
        package let channel: any Channel
        /// Plain http through a proxy: `http://authority`, to put before each request's path.
        package let absoluteFormPrefix: String?
        /// Plain http through a proxy: the `Proxy-Authorization` for each request.
        package let proxyAuthorization: String?
    }

    /// `host:port` as the `CONNECT` target and in messages.
    package var target: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }

    /// One line for `check`, `/readyz` and logs: the TLS checks, then `direct` or
    /// `via proxy http://proxy:3128 (HTTPS_PROXY)`; or why the route could not be made.
    package var summary: String {
        if let broken { return "cannot connect: \(broken.message)" }
        let path = proxy.map { "via proxy \($0.address) (\($0.source))" } ?? "direct"
        guard let tls else { return "plain http, " + path }
        return "TLS " + tls.summary + ", " + path
    }

    /// Connects on `eventLoop`: TCP within `connectTimeout`, then `CONNECT` and the TLS
    /// handshake within `connectTimeout` each. `authority` is the `Host` of the requests, used
    /// for the absolute form. Fails with an `OutboundError` for proxy and TLS problems, the
    /// channel error for TCP ones.
    package func connect(on eventLoop: any EventLoop, connectTimeout: TimeAmount, authority: String) -> EventLoopFuture<Connection> {
        if let broken { return eventLoop.makeFailedFuture(broken) }
        let proxyAuthorization: String?
        switch proxy?.authorization() {
        case .success(let value)?: proxyAuthorization = value
        case .failure(let error)?: return eventLoop.makeFailedFuture(error)
        case nil: proxyAuthorization = nil
        }
        let dialHost = proxy?.address.host ?? host
        let dialPort = proxy?.address.port ?? port
        let proxyName = proxy.map { "\($0.address)" }
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .connect(host: dialHost, port: dialPort)
            .flatMapErrorThrowing { error in
                // A direct connection's timeout is the caller's to word; a refused or unresolved
                // address is said plainly; a proxy's errors are named as the proxy's.
                guard let proxyName else {
                    if let failure = error as? NIOConnectionError { throw OutboundError(.connect, Self.explain(failure, target: self.target)) }
                    throw error
                }
                if case ChannelError.connectTimeout = error { throw OutboundError(.connect, "connecting to proxy \(proxyName) timed out") }
                throw OutboundError(.connect, "cannot reach proxy \(proxyName): \(error)")
            }
            .flatMap { channel in
                self.prepare(channel, connectTimeout: connectTimeout, proxyAuthorization: proxyAuthorization, proxyName: proxyName)
                    .flatMapErrorThrowing { error in
                        channel.close(promise: nil)
                        throw error
                    }
                    .map { _ in
                        let absolute = self.proxy != nil && self.tls == nil
                        return Connection(
                            channel: channel, absoluteFormPrefix: absolute ? "http://\(authority)" : nil,
                            proxyAuthorization: absolute ? proxyAuthorization : nil
                        )
                    }
            }
    }

    /// The tunnel (https through a proxy) and the handshake, in that order, on the channel's loop.
    private func prepare(_ channel: any Channel, connectTimeout: TimeAmount, proxyAuthorization: String?, proxyName: String?) -> EventLoopFuture<Void> {
        let eventLoop = channel.eventLoop
        guard let tls else { return eventLoop.makeSucceededVoidFuture() }
        var tunnel = eventLoop.makeSucceededVoidFuture()
        if let proxyName {
            let promise = eventLoop.makePromise(of: Void.self)
            let deadline = eventLoop.scheduleTask(in: connectTimeout) {
                promise.fail(OutboundError(.proxy, "proxy \(proxyName) did not answer CONNECT in time"))
                channel.close(promise: nil)
            }
            promise.futureResult.whenComplete { _ in deadline.cancel() }
            do {
                try channel.pipeline.syncOperations.addHandler(
                    ConnectTunnelHandler(target: target, proxyName: proxyName, authorization: proxyAuthorization, promise: promise)
                )
            } catch {
                promise.fail(error)
            }
            tunnel = promise.futureResult
        }
        return tunnel.flatMap {
            let handshake = eventLoop.makePromise(of: Void.self)
            do {
                let rejected = RejectedCertificate()
                let handler = try VerifyingClientHandler.make(tls: tls, rejected: rejected)
                try channel.pipeline.syncOperations.addHandler(handler)
                try channel.pipeline.syncOperations.addHandler(TLSRecordCoalescer())
                try channel.pipeline.syncOperations.addHandler(
                    TLSHandshakeGate(promise: handshake, tls: tls, rejected: rejected, timeout: connectTimeout)
                )
            } catch {
                handshake.fail(OutboundError(.tls, "TLS setup for \(tls.expectedName) failed: \(error)"))
            }
            return handshake.futureResult
        }
    }

    /// "cannot connect to host:port: connection refused", "… no such host".
    static func explain(_ error: NIOConnectionError, target: String) -> String {
        if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
            return "cannot resolve \(error.host)"
        }
        let reasons = error.connectionErrors.map { failure -> String in
            if let io = failure.error as? IOError, io.errnoCode == ECONNREFUSED { return "connection refused" }
            if let io = failure.error as? IOError { return io.description }
            return "\(failure.error)"
        }
        return "cannot connect to \(target): " + (Array(Set(reasons)).sorted().joined(separator: "; ").nilIfEmpty ?? "no address to try")
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
