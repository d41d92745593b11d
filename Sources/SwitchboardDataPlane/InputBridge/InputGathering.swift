import NIOCore
import SwitchboardCore
import SwitchboardUpstream
import Synchronization

/// The answers a legacy client owes for one `input_required` round of a 2026-07-28 server
/// (spec digest §4.3): each input request went to the client as a real server-to-client
/// request; once every answer is in, the call is retried upstream with them.
package final class InputGathering: Sendable {
    private struct State {
        var answers: [String: ByteBuffer] = [:]
        var remaining: Set<String>
        var done = false
    }

    private let state: Mutex<State>
    private let onComplete: @Sendable (Result<[String: ByteBuffer], GatewayError>) -> Void

    init(keys: Set<String>, onComplete: @escaping @Sendable (Result<[String: ByteBuffer], GatewayError>) -> Void) {
        self.state = Mutex(State(remaining: keys))
        self.onComplete = onComplete
    }

    /// The round's deadline passed: the call ends unless every answer is in.
    func expire(_ error: GatewayError) {
        let expired = state.withLock { s -> Bool in
            guard !s.done else { return false }
            s.done = true
            return true
        }
        if expired { onComplete(.failure(error)) }
    }

    /// The client's answer to the request sent for `key`: a result, or an error that ends
    /// the call (MRTR has no way to hand a server an error in place of an answer).
    func answer(_ key: String, result: ByteBuffer?, error: JSONView?) {
        let outcome = state.withLock { s -> Result<[String: ByteBuffer], GatewayError>? in
            guard !s.done, s.remaining.remove(key) != nil else { return nil }
            if let error {
                s.done = true
                let text = error["message"]?.string ?? "error"
                return .failure(.invalidParams("the client could not answer the server's request: \(text)"))
            }
            s.answers[key] = result ?? ByteBuffer(string: "{}")
            guard s.remaining.isEmpty else { return nil }
            s.done = true
            return .success(s.answers)
        }
        if let outcome { onComplete(outcome) }
    }
}
