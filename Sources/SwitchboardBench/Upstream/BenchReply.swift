import NIOCore

/// What the bench upstream sends back for one message, independent of the transport.
enum BenchReply {
    /// A notification or a response from the client: nothing to send (HTTP 202).
    case accepted
    /// One JSON-RPC response.
    case message(ByteBuffer)
    /// Notifications followed by the response (the `stream` tool): an SSE stream on HTTP,
    /// consecutive lines on stdio.
    case stream([ByteBuffer])
}
