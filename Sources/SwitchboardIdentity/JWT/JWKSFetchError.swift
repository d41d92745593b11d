/// Why fetching the JWKS failed, for the warning log. Descriptions name no secret: the URL is
/// logged separately and without its query.
enum JWKSFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    case connect(String)
    case tls(String)
    case timeout
    /// Anything but 200, redirects included: they are not followed.
    case status(Int)
    case tooLarge(limit: Int)
    case closedEarly
    case notAJWKS
    case noUsableKeys

    var description: String {
        switch self {
        case .connect(let reason): "could not connect: \(reason)"
        case .tls(let reason): "TLS failed: \(reason)"
        case .timeout: "no complete response in time"
        case .status(let status) where (300..<400).contains(status): "HTTP \(status) (redirects are not followed; configure the final URL)"
        case .status(let status): "HTTP \(status)"
        case .tooLarge(let limit): "the response is larger than \(limit) bytes"
        case .closedEarly: "the connection closed before the response was complete"
        case .notAJWKS: "the response is not a JSON Web Key Set"
        case .noUsableKeys: "the key set holds no usable signing key"
        }
    }
}
