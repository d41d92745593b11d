import Foundation
package import NIOCore
package import NIOHTTP1
package import NIOSSL
package import SwitchboardCore
import SwitchboardOutbound

/// One HTTP/1.1 exchange per connection, for the rare requests the gateway makes as a client
/// of an identity provider (a JWKS every few minutes, a token endpoint once per token
/// lifetime): `https` through NIOSSL with the system's trust roots (or `SSL_CERT_FILE`) and
/// hostname verification, through the environment's proxy unless `NO_PROXY` says otherwise,
/// one deadline for the whole exchange, a bounded body, and no redirects.
package final class OneShotHTTPClient: Sendable {
    package let url: WebURL
    private let group: any EventLoopGroup
    private let timeout: TimeAmount
    private let maxBodyBytes: Int
    /// Made once: loading the trust roots is the expensive part of a TLS client.
    private let route: Result<OutboundRoute, OneShotHTTPError>

    package init(
        url: WebURL,
        group: any EventLoopGroup,
        timeout: TimeAmount,
        maxBodyBytes: Int,
        tlsConfiguration: TLSConfiguration? = nil,
        trust: UpstreamTLSConfig? = nil
    ) {
        self.url = url
        self.group = group
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        let environment = ProcessInfo.processInfo.environment
        do throws(OutboundError) {
            // `trust`: a server's `tls` settings (its CA, client certificate) for the hosts of its
            // OAuth exchanges; `server_name` belongs to the server's own host only.
            let tls: OutboundTLS? =
                if !url.isSecure { nil } else if let trust {
                    try OutboundTLS.make(trust, host: url.host, environment: environment)
                } else {
                    try OutboundTLS.system(host: url.host, environment: environment, configuration: tlsConfiguration)
                }
            let proxy = try ProxyEnvironment(environment: environment).hop(scheme: url.scheme, host: url.host, port: url.port)
            route = .success(OutboundRoute(host: url.host, port: url.port, tls: tls, proxy: proxy))
        } catch {
            route = .failure(error.stage == .tlsSetup ? .tls(error.message) : .connect(error.message))
        }
    }

    /// Sends one request to `url` and collects the response, any status, without blocking the
    /// calling thread. `Host`, `User-Agent`, `Connection: close` and `Content-Length` are added
    /// here. The future fails with a `OneShotHTTPError`.
    package func execute(method: HTTPMethod, headers: HTTPHeaders = [:], body: [UInt8]? = nil) -> EventLoopFuture<OneShotHTTPResponse> {
        let eventLoop = group.next()
        let route: OutboundRoute
        switch self.route {
        case .failure(let error): return eventLoop.makeFailedFuture(error)
        case .success(let value): route = value
        }
        let promise = eventLoop.makePromise(of: OneShotHTTPResponse.self)
        let deadline = eventLoop.scheduleTask(in: timeout) { promise.fail(OneShotHTTPError.timeout) }
        promise.futureResult.whenComplete { _ in deadline.cancel() }

        let request = head(method: method, headers: headers, bodyLength: body?.count)
        let requestBody = body
        let maxBodyBytes = maxBodyBytes
        route.connect(on: eventLoop, connectTimeout: timeout, authority: url.authority).whenComplete { result in
            switch result {
            case .success(let connection):
                var request = request
                if let prefix = connection.absoluteFormPrefix { request.uri = prefix + request.uri }
                if let authorization = connection.proxyAuthorization { request.headers.add(name: "Proxy-Authorization", value: authorization) }
                do {
                    let pipeline = connection.channel.pipeline.syncOperations
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(
                        OneShotHTTPResponseHandler(request: request, body: requestBody, maxBodyBytes: maxBodyBytes, promise: promise)
                    )
                } catch {
                    promise.fail(OneShotHTTPError.connect(String(describing: error)))
                }
                promise.futureResult.whenComplete { _ in connection.channel.close(promise: nil) }
            case .failure(let error as OutboundError) where error.stage == .tls || error.stage == .tlsSetup:
                promise.fail(OneShotHTTPError.tls(error.message))
            case .failure(let error):
                promise.fail(OneShotHTTPError.connect(OutboundError.explaining(error)?.message ?? String(describing: error)))
            }
        }
        return promise.futureResult
    }

    /// `execute` for callers in async code; the error is always a `OneShotHTTPError`.
    package func response(method: HTTPMethod, headers: HTTPHeaders = [:], body: [UInt8]? = nil) async -> Result<OneShotHTTPResponse, OneShotHTTPError> {
        do {
            return .success(try await execute(method: method, headers: headers, body: body).get())
        } catch let error as OneShotHTTPError {
            return .failure(error)
        } catch {
            return .failure(.connect(String(describing: error)))
        }
    }

    private func head(method: HTTPMethod, headers: HTTPHeaders, bodyLength: Int?) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: url.pathAndQuery)
        head.headers.add(name: "Host", value: url.authority)
        head.headers.add(contentsOf: headers)
        if !head.headers.contains(name: "User-Agent") { head.headers.add(name: "User-Agent", value: "switchboard") }
        head.headers.replaceOrAdd(name: "Connection", value: "close")
        if let bodyLength { head.headers.replaceOrAdd(name: "Content-Length", value: String(bodyLength)) }
        return head
    }
}
