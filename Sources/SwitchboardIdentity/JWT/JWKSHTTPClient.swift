import NIOCore
import NIOHTTP1
import NIOSSL
import SwitchboardCore

/// The GET of the JWKS over a `OneShotHTTPClient`: a new connection per fetch (one every few
/// minutes at most); anything but 200, redirects included, is a failure.
final class JWKSHTTPClient: Sendable {
    var url: WebURL { client.url }
    private let client: OneShotHTTPClient

    init(
        url: WebURL,
        group: any EventLoopGroup,
        timeout: TimeAmount,
        maxBodyBytes: Int,
        tlsConfiguration: TLSConfiguration? = nil
    ) {
        client = OneShotHTTPClient(url: url, group: group, timeout: timeout, maxBodyBytes: maxBodyBytes, tlsConfiguration: tlsConfiguration)
    }

    func fetch() async -> Result<[UInt8], JWKSFetchError> {
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
        switch await client.response(method: .GET, headers: headers) {
        case .success(let response):
            return response.status == 200 ? .success(response.body) : .failure(.status(response.status))
        case .failure(let error):
            return .failure(JWKSFetchError(error))
        }
    }
}

extension JWKSFetchError {
    init(_ error: OneShotHTTPError) {
        switch error {
        case .connect(let reason): self = .connect(reason)
        case .tls(let reason): self = .tls(reason)
        case .timeout: self = .timeout
        case .tooLarge(let limit): self = .tooLarge(limit: limit)
        case .closedEarly: self = .closedEarly
        }
    }
}
