import NIOCore

/// Answers the requests of an HTTP+SSE session (2024-11-05, spec digest §1.2). The POST that
/// carried a request was already answered `202`; everything tied to the request (progress,
/// logs, sampling and elicitation requests) and then its response are events on the session's
/// one stream. One per stream, shared by all of the session's requests, like stdio's writer.
final class LegacySSEResponder: DownstreamResponder {
    private let stream: SSEDownstreamStream

    init(stream: SSEDownstreamStream) {
        self.stream = stream
    }

    func sendInterim(_ message: ByteBuffer) -> Bool {
        stream.send(message)
    }

    func sendFinal(_ message: ByteBuffer, httpStatus: Int, retryAfter: Int?) {
        _ = stream.send(message)
    }

    /// A cancelled request gets no response, and the stream carries on for the others.
    func abandon() {}
}
