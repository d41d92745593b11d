import NIOCore

/// For notifications and responses, which get no answer.
final class NoResponder: DownstreamResponder {
    static let shared = NoResponder()
    func sendInterim(_ message: ByteBuffer) -> Bool { false }
    func sendFinal(_ message: ByteBuffer, httpStatus: Int, retryAfter: Int?) {}
    func abandon() {}
}
