import NIOCore
import SwitchboardCore
import Synchronization

/// Upstream calls of 2026-07-28 clients that a legacy server paused with server-to-client
/// requests (spec digest §4.2): the client got `input_required` and the call waits, bounded,
/// for its retry. Keyed by a random handle that only travels sealed inside `requestState`.
final class HeldCalls: Sendable {
    /// A server-to-client request waiting for the client's answer.
    struct Question: Sendable {
        var key: String
        var upstreamID: JSONRPCID
        var method: String
        /// The request's params as sent to the client.
        var params: ByteBuffer
        /// Digest of method and the server's params bytes: lets a replica without the held
        /// call recognise the same question when it runs the call again.
        var digest: String
    }

    struct Held: Sendable {
        var call: CallContext
        var server: UpstreamServer
        /// The method and routed name (`tools/call` + tool) the retry must repeat.
        var method: String
        var name: String
        var questions: [Question]
        /// Set when the server finished while the client was away.
        var outcome: Result<JSONRPCMessage, any Error>?
    }

    /// Calls being asked questions right now, before `input_required` goes out: questions that
    /// arrive together go out together.
    private struct Gathering {
        var questions: [Question]
    }

    private struct State {
        var held: [String: Held] = [:]
        var gathering: [ObjectIdentifier: Gathering] = [:]
    }

    private let state = Mutex(State())

    var count: Int { state.withLock { $0.held.count } }

    /// Adds a question to the call's current batch; true when it is the first, so the caller
    /// schedules the flush.
    func gather(_ question: Question, for call: CallContext) -> Bool {
        state.withLock { s in
            let key = ObjectIdentifier(call)
            if s.gathering[key] == nil {
                s.gathering[key] = Gathering(questions: [question])
                return true
            }
            s.gathering[key]!.questions.append(question)
            return false
        }
    }

    /// The batch gathered for `call`, ended.
    func takeGathered(for call: CallContext) -> [Question] {
        state.withLock { $0.gathering.removeValue(forKey: ObjectIdentifier(call))?.questions ?? [] }
    }

    func hold(_ held: Held, handle: String) {
        state.withLock { $0.held[handle] = held }
    }

    /// Adds a question that arrived while the client was away to the held call's list.
    func addQuestion(_ question: Question, for call: CallContext) -> Bool {
        state.withLock { s in
            guard let handle = s.held.first(where: { $0.value.call === call })?.key else { return false }
            s.held[handle]!.questions.append(question)
            return true
        }
    }

    /// Records how the call ended while nobody was attached; false when it is not held.
    func finish(_ call: CallContext, outcome: Result<JSONRPCMessage, any Error>) -> Bool {
        state.withLock { s in
            guard let handle = s.held.first(where: { $0.value.call === call })?.key else { return false }
            s.held[handle]!.outcome = outcome
            return true
        }
    }

    func take(_ handle: String) -> Held? {
        state.withLock { $0.held.removeValue(forKey: handle) }
    }
}
