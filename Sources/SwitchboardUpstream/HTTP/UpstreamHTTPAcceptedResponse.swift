import NIOCore
import NIOHTTP1
import SwitchboardCore
import Synchronization

/// Expects a 2xx and nothing else from the body: an HTTP+SSE POST, whose answer arrives on the
/// event stream. Anything else fails the promise with the status and the start of the body.
final class UpstreamHTTPAcceptedResponse: UpstreamHTTPResponseDelegate {
    private let promise: EventLoopPromise<Void>
    private let failure = Mutex<(code: Int?, error: UpstreamTransportError?)>((nil, nil))

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func responseHead(_ head: HTTPResponseHead) -> UpstreamHTTPBodyMode {
        let code = Int(head.status.code)
        if (200..<300).contains(code) { return .discard }
        failure.withLock { $0 = (code, .httpStatus(code, body: "")) }
        return .collectPrefix(maxBytes: UpstreamHTTPHeaders.errorBodyPrefix)
    }

    func responseBody(_ body: ByteBuffer) {
        failure.withLock { state in
            if let code = state.code {
                state.error = .httpStatus(code, body: String(decoding: body.readableBytesView, as: UTF8.self))
            }
        }
    }

    func responseEnded(error: (any Error)?) {
        if let error = error ?? failure.withLock({ $0.error }) {
            promise.fail(error)
        } else {
            promise.succeed()
        }
    }
}
