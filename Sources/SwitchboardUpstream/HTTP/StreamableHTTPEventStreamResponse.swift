import NIOCore
import NIOHTTP1
import SwitchboardCore
import Synchronization

/// Reads a Streamable HTTP GET event stream: the shared one (messages reported as
/// `.sharedStream`), or the resumption of a POST's stream (reported with that POST's origin).
final class StreamableHTTPEventStreamResponse: UpstreamHTTPResponseDelegate {
    enum Purpose {
        case shared(generation: UInt64)
        case resumedPost(correlation: UInt64, lastEventID: String, attempt: Int)
    }

    enum Outcome: Equatable {
        /// No head yet (connection failed or dropped).
        case pending
        case streaming
        /// 405: no GET stream here.
        case unsupported
        /// Another 4xx, or not an event stream: trying again will not help.
        case refused(Int)
        /// 5xx or 3xx: may be temporary.
        case failed(Int)
    }

    private struct State {
        var outcome = Outcome.pending
        var openedAt: NIODeadline?
        var madeProgress = false
        var lastEventID: String?
        var retry: Int?
        var sawResponse = false
    }

    /// A stream that stayed open this long counts as having worked, even if it carried nothing.
    private static let healthyDuration = TimeAmount.seconds(10)

    private let transport: StreamableHTTPUpstreamTransport
    private let purpose: Purpose
    private let state = Mutex(State())

    init(transport: StreamableHTTPUpstreamTransport, purpose: Purpose) {
        self.transport = transport
        self.purpose = purpose
    }

    func responseHead(_ head: HTTPResponseHead) -> UpstreamHTTPBodyMode {
        let code = Int(head.status.code)
        let isEventStream = UpstreamHTTPHeaders.mediaType(head.headers) == UpstreamHTTPHeaders.eventStream
        let outcome: Outcome = switch code {
        case 200 where isEventStream: .streaming
        case 405: .unsupported
        case 400..<500: .refused(code)
        case 200..<300: .refused(code)
        default: .failed(code)
        }
        state.withLock { state in
            state.outcome = outcome
            state.openedAt = .now()
        }
        return outcome == .streaming ? .serverSentEvents(maxEventBytes: transport.maxMessageBytes) : .discard
    }

    func responseEvent(_ event: SSEEvent) {
        let origin: UpstreamInboundOrigin
        switch purpose {
        case .shared(let generation):
            origin = .sharedStream
            if event.id != nil || event.retry != nil {
                transport.sharedStreamPosition(generation: generation, lastEventID: event.id, retryMilliseconds: event.retry)
            }
        case .resumedPost(let correlation, _, _):
            origin = .postStream(correlation: correlation)
        }
        let isMessage = event.isMessage && event.data.readableBytes > 0
        let answers = isMessage && JSONRPCResponseProbe.isResponse(event.data)
        state.withLock { state in
            // A priming event (an id, or a retry) shows the server keeps this stream's state.
            state.madeProgress = state.madeProgress || isMessage || event.id != nil || event.retry != nil
            if let id = event.id { state.lastEventID = id.isEmpty ? nil : id }
            if let retry = event.retry { state.retry = retry }
            if answers { state.sawResponse = true }
        }
        if isMessage { transport.deliver(event.data, origin: origin) }
    }

    func responseEnded(error: (any Error)?) {
        let snapshot = state.withLock { $0 }
        switch purpose {
        case .shared(let generation):
            let lived = snapshot.openedAt.map { NIODeadline.now() - $0 >= Self.healthyDuration } ?? false
            transport.sharedStreamEnded(
                generation: generation,
                outcome: snapshot.outcome,
                madeProgress: snapshot.outcome == .streaming && (snapshot.madeProgress || lived)
            )
        case .resumedPost(let correlation, let resumedFrom, let attempt):
            guard snapshot.outcome == .streaming, !snapshot.sawResponse else { return }
            transport.resumePostStream(
                correlation: correlation,
                lastEventID: snapshot.lastEventID ?? resumedFrom,
                retryMilliseconds: snapshot.retry,
                attempt: attempt + 1
            )
        }
    }
}
