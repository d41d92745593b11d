import NIOCore
import NIOHTTP1
import SwitchboardCore
import Synchronization

/// Reads the HTTP+SSE event stream: `endpoint` events name the POST target, `message` events
/// carry every server-to-client message. A refusal (non-200, or not an event stream) ends
/// `connect` with that status.
final class SSEUpstreamEventStreamResponse: UpstreamHTTPResponseDelegate {
    private enum Refusal {
        case status(Int)
        case contentType(String)
    }

    private let transport: SSEUpstreamTransport
    private let generation: UInt64
    private let refusal = Mutex<(refusal: Refusal?, error: UpstreamTransportError?)>((nil, nil))

    init(transport: SSEUpstreamTransport, generation: UInt64) {
        self.transport = transport
        self.generation = generation
    }

    func responseHead(_ head: HTTPResponseHead) -> UpstreamHTTPBodyMode {
        let code = Int(head.status.code)
        let mediaType = UpstreamHTTPHeaders.mediaType(head.headers)
        if code == 200, mediaType == UpstreamHTTPHeaders.eventStream {
            return .serverSentEvents(maxEventBytes: transport.maxMessageBytes)
        }
        if code == 200 {
            refusal.withLock { $0 = (.contentType(mediaType), .unexpectedContentType(mediaType)) }
            return .discard
        }
        refusal.withLock { $0 = (.status(code), .httpStatus(code, body: "")) }
        return .collectPrefix(maxBytes: UpstreamHTTPHeaders.errorBodyPrefix)
    }

    func responseBody(_ body: ByteBuffer) {
        refusal.withLock { state in
            if case .status(let code) = state.refusal {
                state.error = .httpStatus(code, body: String(decoding: body.readableBytesView, as: UTF8.self))
            }
        }
    }

    func responseEvent(_ event: SSEEvent) {
        switch event.type {
        case "endpoint": transport.receivedEndpoint(generation: generation, data: event.data)
        case "message" where event.data.readableBytes > 0: transport.receivedMessage(generation: generation, data: event.data)
        default: break
        }
    }

    func responseEnded(error: (any Error)?) {
        let refused = refusal.withLock { $0.error }
        transport.streamEnded(generation: generation, error: refused ?? error)
    }
}
