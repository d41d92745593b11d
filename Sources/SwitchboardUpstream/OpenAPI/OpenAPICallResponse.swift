import NIOCore
import NIOHTTP1
import SwitchboardCore
import Synchronization

/// Reads the response to one OpenAPI call and hands over its `tools/call` result, or the
/// JSON-RPC error when no HTTP answer came (unreachable, timed out); nil when cancelled.
final class OpenAPICallResponse: UpstreamHTTPResponseDelegate {
    struct Failure: Error {
        var code: Int
        var message: String
    }

    private struct State {
        var head: HTTPResponseHead?
        var body = ByteBuffer()
        var done = false
    }

    private let operation: OpenAPIOperation
    private let maxBytes: Int
    private let finished: @Sendable (Result<ByteBuffer, Failure>?) -> Void
    private let state = Mutex(State())

    init(operation: OpenAPIOperation, maxBytes: Int, finished: @escaping @Sendable (Result<ByteBuffer, Failure>?) -> Void) {
        self.operation = operation
        self.maxBytes = maxBytes
        self.finished = finished
    }

    func responseHead(_ head: HTTPResponseHead) -> UpstreamHTTPBodyMode {
        state.withLock { $0.head = head }
        return (200..<300).contains(Int(head.status.code)) ? .collect(maxBytes: maxBytes) : .collectPrefix(maxBytes: OpenAPIToolResult.excerptBytes + 1)
    }

    func responseBody(_ body: ByteBuffer) {
        state.withLock { $0.body = body }
    }

    func responseEnded(error: (any Error)?) {
        let (head, body, first) = state.withLock { state in
            defer { state.done = true }
            return (state.head, state.body, !state.done)
        }
        guard first else { return }
        if let error {
            finished(Self.outcome(of: error, operation: operation, maxBytes: maxBytes))
            return
        }
        guard let head else {
            finished(.failure(Failure(code: JSONRPCErrorCode.upstreamProtocolError, message: "no response from \(operation.method) \(operation.pathTemplate)")))
            return
        }
        if (300..<400).contains(Int(head.status.code)) {
            let location = head.headers.first(name: "Location").map { " to \($0)" } ?? ""
            finished(.success(OpenAPIToolResult.error("HTTP \(head.status.code) redirect\(location) from \(operation.method) \(operation.pathTemplate): redirects are not followed")))
            return
        }
        finished(.success(OpenAPIToolResult.make(status: head.status, contentType: head.headers.first(name: "Content-Type"), body: body, operation: operation)))
    }

    /// Credentials could not be had (a token endpoint down): the call fails before sending.
    func failed(before error: any Error) {
        responseEnded(error: error)
    }

    private static func outcome(of error: any Error, operation: OpenAPIOperation, maxBytes: Int) -> Result<ByteBuffer, Failure>? {
        let what = "\(operation.method) \(operation.pathTemplate)"
        switch error as? UpstreamTransportError {
        case .frameTooLarge?:
            return .success(OpenAPIToolResult.error("the response to \(what) is larger than \(maxBytes) bytes (max_message_bytes)"))
        case .timeout(let detail)?:
            return .failure(Failure(code: JSONRPCErrorCode.upstreamTimeout, message: "\(what) timed out (\(detail))"))
        default:
            break
        }
        if error is CancellationError { return nil }
        return .failure(Failure(code: JSONRPCErrorCode.upstreamUnavailable, message: "\(what) failed: \(error)"))
    }
}
