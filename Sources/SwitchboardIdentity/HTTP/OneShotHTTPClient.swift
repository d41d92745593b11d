package import NIOCore
package import NIOHTTP1
import NIOPosix
package import NIOSSL
package import SwitchboardCore

/// One HTTP/1.1 exchange per connection, for the rare requests the gateway makes as a client
/// of an identity provider (a JWKS every few minutes, a token endpoint once per token
/// lifetime): `https` through NIOSSL with the system's trust roots and hostname
/// verification, one deadline for the whole exchange, a bounded body, and no redirects.
package final class OneShotHTTPClient: Sendable {
    package let url: WebURL
    private let group: any EventLoopGroup
    private let timeout: TimeAmount
    private let maxBodyBytes: Int
    /// Made once: loading the trust roots is the expensive part of a TLS client.
    private let tls: Result<NIOSSLContext, OneShotHTTPError>?

    package init(
        url: WebURL,
        group: any EventLoopGroup,
        timeout: TimeAmount,
        maxBodyBytes: Int,
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration()
    ) {
        self.url = url
        self.group = group
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        if url.isSecure {
            do {
                tls = .success(try NIOSSLContext(configuration: tlsConfiguration))
            } catch {
                tls = .failure(.tls(String(describing: error)))
            }
        } else {
            tls = nil
        }
    }

    /// Sends one request to `url` and collects the response, any status, without blocking the
    /// calling thread. `Host`, `User-Agent`, `Connection: close` and `Content-Length` are added
    /// here. The future fails with a `OneShotHTTPError`.
    package func execute(method: HTTPMethod, headers: HTTPHeaders = [:], body: [UInt8]? = nil) -> EventLoopFuture<OneShotHTTPResponse> {
        let eventLoop = group.next()
        let tlsContext: NIOSSLContext?
        switch tls {
        case .failure(let error)?: return eventLoop.makeFailedFuture(error)
        case .success(let context)?: tlsContext = context
        case nil: tlsContext = nil
        }
        let promise = eventLoop.makePromise(of: OneShotHTTPResponse.self)
        let deadline = eventLoop.scheduleTask(in: timeout) { promise.fail(OneShotHTTPError.timeout) }
        promise.futureResult.whenComplete { _ in deadline.cancel() }

        let host = url.host
        // SNI carries names only; for an address NIOSSL checks the certificate against the IP.
        let serverName: String? = host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
        let request = head(method: method, headers: headers, bodyLength: body?.count)
        let requestBody = body
        let maxBodyBytes = maxBodyBytes

        let connect = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tlsContext {
                        try pipeline.addHandler(try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(
                        OneShotHTTPResponseHandler(request: request, body: requestBody, maxBodyBytes: maxBodyBytes, promise: promise)
                    )
                }
            }
            .connect(host: host, port: url.port)
        connect.whenSuccess { channel in
            promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
        connect.whenFailure { error in promise.fail(OneShotHTTPError.connect(String(describing: error))) }
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
