/// Why a one-shot exchange got no complete response. Descriptions name no secret: neither the
/// request's headers nor its body appear.
package enum OneShotHTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case connect(String)
    case tls(String)
    case timeout
    case tooLarge(limit: Int)
    case closedEarly

    package var description: String {
        switch self {
        case .connect(let reason): "could not connect: \(reason)"
        case .tls(let reason): "TLS failed: \(reason)"
        case .timeout: "no complete response in time"
        case .tooLarge(let limit): "the response is larger than \(limit) bytes"
        case .closedEarly: "the connection closed before the response was complete"
        }
    }
}
