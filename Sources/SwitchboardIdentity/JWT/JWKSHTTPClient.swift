import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SwitchboardCore

/// A one-shot HTTP/1.1 GET of the JWKS: a new connection per fetch (one every few minutes at
/// most), `https` through NIOSSL with the system's trust roots and hostname verification, one
/// deadline for the whole exchange, a bounded body, and no redirects.
final class JWKSHTTPClient: Sendable {
    let url: WebURL
    private let group: any EventLoopGroup
    private let timeout: TimeAmount
    private let maxBodyBytes: Int
    /// Made once: loading the trust roots is the expensive part of a TLS client.
    private let tls: Result<NIOSSLContext, JWKSFetchError>?

    init(
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

    func fetch() async -> Result<[UInt8], JWKSFetchError> {
        var sslContext: NIOSSLContext?
        switch tls {
        case .failure(let error)?: return .failure(error)
        case .success(let context)?: sslContext = context
        case nil: sslContext = nil
        }
        let tlsContext = sslContext
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: [UInt8].self)
        let deadline = eventLoop.scheduleTask(in: timeout) { promise.fail(JWKSFetchError.timeout) }
        promise.futureResult.whenComplete { _ in deadline.cancel() }

        let host = url.host
        // SNI carries names only; for an address NIOSSL checks the certificate against the IP.
        let serverName: String? = host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
        let request = head()
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
                    try pipeline.addHandler(JWKSResponseHandler(request: request, maxBodyBytes: maxBodyBytes, promise: promise))
                }
            }
            .connect(host: host, port: url.port)
        connect.whenSuccess { channel in
            promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
        connect.whenFailure { error in promise.fail(JWKSFetchError.connect(String(describing: error))) }

        do {
            return .success(try await promise.futureResult.get())
        } catch let error as JWKSFetchError {
            return .failure(error)
        } catch {
            return .failure(.connect(String(describing: error)))
        }
    }

    private func head() -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: url.pathAndQuery)
        head.headers.add(name: "Host", value: url.authority)
        head.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
        head.headers.add(name: "User-Agent", value: "switchboard")
        head.headers.add(name: "Connection", value: "close")
        return head
    }
}
