import NIOCore
import Synchronization

/// Answers a 2025-03-26 JSON-RPC batch: each request in it gets a part that records its
/// response, and once every part has answered (or was cancelled) the responses go out as one
/// JSON array. Messages tied to a request cannot ride a JSON array, so parts decline them and
/// the session's GET stream carries them instead.
final class BatchResponder: Sendable {
    private struct State {
        var responses: [ByteBuffer?]
        var remaining: Int
    }

    private let state: Mutex<State>
    private let complete: @Sendable ([ByteBuffer]) -> Void

    /// `complete` runs once, with the responses in request order.
    init(requests: Int, complete: @escaping @Sendable ([ByteBuffer]) -> Void) {
        self.state = Mutex(State(responses: Array(repeating: nil, count: requests), remaining: requests))
        self.complete = complete
    }

    func part(_ index: Int) -> any DownstreamResponder { Part(batch: self, index: index) }

    fileprivate func finish(_ index: Int, with response: ByteBuffer?) {
        let done = state.withLock { s -> [ByteBuffer]? in
            guard s.remaining > 0 else { return nil }
            s.responses[index] = response
            s.remaining -= 1
            return s.remaining == 0 ? s.responses.compactMap { $0 } : nil
        }
        if let done { complete(done) }
    }

    /// One request's slot in the batch; the first final answer (or cancel) counts.
    private final class Part: DownstreamResponder {
        let batch: BatchResponder
        let index: Int
        private let answered = Atomic<Bool>(false)

        init(batch: BatchResponder, index: Int) {
            self.batch = batch
            self.index = index
        }

        func sendInterim(_ message: ByteBuffer) -> Bool { false }

        func sendFinal(_ message: ByteBuffer, httpStatus: Int, retryAfter: Int?) {
            guard !answered.exchange(true, ordering: .relaxed) else { return }
            batch.finish(index, with: message)
        }

        func abandon() {
            guard !answered.exchange(true, ordering: .relaxed) else { return }
            batch.finish(index, with: nil)
        }
    }

    /// `[a,b,…]` from whole JSON messages.
    static func array(_ messages: [ByteBuffer]) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeInteger(UInt8(ascii: "["))
        for (i, var m) in messages.enumerated() {
            if i > 0 { out.writeInteger(UInt8(ascii: ",")) }
            out.writeBuffer(&m)
        }
        out.writeInteger(UInt8(ascii: "]"))
        return out
    }
}
