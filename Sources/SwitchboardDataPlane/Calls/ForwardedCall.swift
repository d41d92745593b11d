package import NIOCore
package import SwitchboardCore
package import SwitchboardUpstream
package import SwitchboardPolicy
import Synchronization

/// A client request that was sent to an upstream server: links the client's id and progress
/// token to the server and the upstream id, so progress, cancellation and server-to-client
/// requests find their way in both directions.
///
/// The client side can change while the upstream call goes on: a 2026-07-28 client that got
/// `input_required` retries under a new id on a new HTTP request, and the same upstream call
/// then answers that one (spec digest §4.2). Between the two the call is `away`. Every change
/// of side happens under one lock, so a result that arrives while the client is away is kept
/// for the retry, a question is never lost between two rounds, and a call is answered once.
package final class ForwardedCall: UpstreamCallObserver, Sendable {
    /// Where messages about the call and its result go: the client request it answers now.
    package typealias Target = MCPExchange

    /// A server-to-client request made during a 2026-07-28 client's call.
    package struct Question: Sendable {
        var key: String
        var upstreamID: JSONRPCID
        var method: String
        /// The request's params as relayed to the client.
        var params: ByteBuffer
        /// Digest of method and the server's params bytes: lets a replica without the held
        /// call recognise the same question when it runs the call again.
        var digest: String
    }

    /// What to do with a question just asked.
    enum QuestionAction {
        /// The first of a batch: answer the client with `input_required` shortly.
        case flushSoon
        /// It joins a batch already due, or waits for the client's retry.
        case wait
        /// The call is over: refuse the server's request.
        case refused
    }

    /// What a retry finds.
    enum Resumed {
        /// The server finished while the client was away: this is the answer.
        case finished(Result<JSONRPCMessage, any Error>)
        /// The call goes on; these questions were put to the client last round.
        case asked([Question])
        /// Nothing to resume (it ended, or another retry took it).
        case gone
    }

    private enum Phase { case attached, away, finished }

    private struct State {
        var phase = Phase.attached
        var target: Target?
        var upstream: (server: UpstreamServer, id: Int)?
        var gathered: [Question] = []
        var flushScheduled = false
        var asked: [Question] = []
        var outcome: Result<JSONRPCMessage, any Error>?
        /// The quota slots the call holds: released once when it is over, whichever way.
        var ticket: QuotaTicket?

        /// Moves to `finished`, handing back the ticket to release now that the call is over.
        mutating func end() -> QuotaTicket? {
            phase = .finished
            defer { ticket = nil }
            return ticket
        }
    }

    package let method: String
    /// Who made the call, as its request proved it: the token it carries upstream is theirs.
    package let caller: RequestCaller
    /// `params.name` or `params.uri` as the client sent it: a retry must repeat it.
    package let name: String?
    /// Answers a 2026-07-28 client already gave, by question digest: a replica running the
    /// call again (its held call lives elsewhere) answers the same questions with them.
    let prefilled: [String: ByteBuffer]
    private let state: Mutex<State>

    /// A call made for `exchange`, which it answers unless a 2026-07-28 retry takes it over.
    package init(_ exchange: MCPExchange, name: String? = nil, prefilled: [String: ByteBuffer] = [:], ticket: QuotaTicket? = nil) {
        self.method = exchange.method
        self.caller = exchange.caller
        self.name = name
        self.prefilled = prefilled
        self.state = Mutex(State(target: exchange, ticket: ticket?.holdsSlots == true ? ticket : nil))
    }

    /// The client side while one is attached.
    package var target: Target? { state.withLock { $0.target } }

    package var clientIsPresent: Bool { state.withLock { $0.phase == .attached } }

    /// The session the call currently answers (nil while away or after its answer).
    package var session: DownstreamSession? { target?.session }

    package func bind(server: UpstreamServer, id: Int) {
        state.withLock { $0.upstream = (server, id) }
    }

    package var server: UpstreamServer? { state.withLock { $0.upstream?.server } }
    package var upstreamID: Int? { state.withLock { $0.upstream?.id } }

    // MARK: Answering

    /// Takes the client side for the final answer; nil when the call was answered already or
    /// its client is away. The first final answer wins.
    func finish() -> Target? {
        let (target, ended) = state.withLock { s -> (Target?, QuotaTicket?) in
            guard s.phase == .attached, let target = s.target else { return (nil, nil) }
            s.target = nil
            return (target, s.end())
        }
        ended?.release()
        return target
    }

    /// Ends the call's request with a gateway error, unless it was answered already.
    func fail(_ error: GatewayError) {
        guard let target = finish() else { return }
        target.session.finish(call: self, id: target.message.id!)
        target.fail(error)
    }

    /// The server's outcome: the client side to answer, or nil when it is kept for the
    /// client's retry (or the call is over).
    func settle(_ outcome: Result<JSONRPCMessage, any Error>) -> Target? {
        let (target, ended) = state.withLock { s -> (Target?, QuotaTicket?) in
            switch s.phase {
            case .attached:
                defer { s.target = nil }
                return (s.target, s.end())
            case .away:
                if s.outcome == nil { s.outcome = outcome }
                return (nil, nil)
            case .finished:
                return (nil, nil)
            }
        }
        ended?.release()
        return target
    }

    // MARK: Questions (2026-07-28 clients)

    func ask(_ question: Question) -> QuestionAction {
        state.withLock { s in
            switch s.phase {
            case .finished:
                return .refused
            case .away:
                s.gathered.append(question)
                return .wait
            case .attached:
                s.gathered.append(question)
                guard !s.flushScheduled else { return .wait }
                s.flushScheduled = true
                return .flushSoon
            }
        }
    }

    /// The client side leaves with the gathered questions (to be sent as `input_required`);
    /// nil when there is nothing to ask or no client attached.
    func goAway() -> (Target, [Question])? {
        state.withLock { s in
            s.flushScheduled = false
            guard s.phase == .attached, let target = s.target, !s.gathered.isEmpty else { return nil }
            s.phase = .away
            s.target = nil
            s.asked = s.gathered
            s.gathered = []
            return (target, s.asked)
        }
    }

    /// A retry attaches its client side.
    func resume(_ target: Target) -> Resumed {
        let (resumed, ended) = state.withLock { s -> (Resumed, QuotaTicket?) in
            guard s.phase == .away else { return (.gone, nil) }
            if let outcome = s.outcome {
                return (.finished(outcome), s.end())
            }
            s.phase = .attached
            s.target = target
            defer { s.asked = [] }
            return (.asked(s.asked), nil)
        }
        ended?.release()
        return resumed
    }

    /// Questions the retry did not answer go into the next round, first.
    func requeue(_ questions: [Question]) {
        state.withLock { $0.gathered = questions + $0.gathered }
    }

    /// The client never came back: the call is over; true when it was still away.
    func expire() -> Bool {
        let ended = state.withLock { s -> QuotaTicket?? in
            guard s.phase == .away else { return nil }
            return .some(s.end())
        }
        guard let ended else { return false }
        ended?.release()
        return true
    }

    // MARK: Cancelling

    /// The client cancelled: tell the server and end the request without a response.
    package func cancel(reason: String?) {
        let (upstream, target, ended) = state.withLock { s -> ((UpstreamServer, Int)?, Target?, QuotaTicket?) in
            defer {
                s.upstream = nil
                s.target = nil
            }
            return (s.upstream.map { ($0.server, $0.id) }, s.target, s.end())
        }
        ended?.release()
        guard let (server, id) = upstream else { return }
        server.cancel(id: id, reason: reason)
        if let target {
            target.session.finish(call: self, id: target.message.id!)
            target.abandon()
        }
    }

    package func upstreamCallNotification(_ message: JSONRPCMessage, from server: UpstreamServer) {
        // Progress between an `input_required` answer and the retry has nowhere to go (§4.2).
        guard let method = message.method, let params = message.params, let target else { return }
        target.mark(.firstByte)
        var outgoing: ByteBuffer
        if method == MCPMethod.progress {
            // The server's message with only the token swapped back to the client's: one
            // copy, nothing re-encoded.
            guard let token = target.progressToken, let ours = params["progressToken"] else { return }
            outgoing = JSONSplice.replacing(in: message.root, [(ours, token)])
        } else if method == MCPMethod.message {
            // Logs go to a client that asked for them at that level; a 2026-07-28 client that
            // set no `logLevel` on the request gets none (§2.2).
            guard target.session.wantsLog(level: params["level"]?.string) else { return }
            outgoing = message.bytes
        } else {
            return
        }
        target.sendInterim(outgoing, kind: .notification, method: method)
    }
}
