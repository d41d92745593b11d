package import NIOCore
package import SwitchboardCore
import Synchronization

/// A client request that was sent to an upstream server: links the client's id and progress
/// token to the server and the upstream id, so progress, cancellation and server-to-client
/// requests find their way in both directions.
///
/// The client side can change while the upstream call goes on: a 2026-07-28 client that got
/// `input_required` retries under a new id on a new HTTP request, and the same upstream call
/// then answers that one (spec digest §4.2). Between the two there is no client side at all.
package final class CallContext: UpstreamCallObserver, Sendable {
    /// Where messages about the call and its result go.
    package struct Target: Sendable {
        package var session: DownstreamSession
        package var downstreamID: JSONRPCID
        /// The client's `progressToken` as JSON text, when it asked for progress.
        package var progressToken: String?
        package var responder: any DownstreamResponder
    }

    package let method: String
    /// `params.name` or `params.uri` as the client sent it: a retry must repeat it.
    package let name: String?
    /// Answers a 2026-07-28 client already gave, by question digest: a replica running the
    /// call again (its held call lives elsewhere) answers the same questions with them.
    let prefilled: [String: ByteBuffer]
    private struct State {
        var target: Target?
        var upstream: (server: UpstreamServer, id: Int)?
    }
    private let state: Mutex<State>

    package init(
        session: DownstreamSession, downstreamID: JSONRPCID, method: String, name: String? = nil, progressToken: String?,
        responder: any DownstreamResponder, prefilled: [String: ByteBuffer] = [:]
    ) {
        self.method = method
        self.name = name
        self.prefilled = prefilled
        self.state = Mutex(State(target: Target(session: session, downstreamID: downstreamID, progressToken: progressToken, responder: responder)))
    }

    package var target: Target? { state.withLock { $0.target } }

    /// The session the call currently answers (nil while it waits for a client's retry).
    package var session: DownstreamSession? { target?.session }

    /// Detaches the client side (the call now waits for a retry); returns what it was.
    package func detach() -> Target? {
        state.withLock { s in
            defer { s.target = nil }
            return s.target
        }
    }

    /// Attaches the client side of a retry.
    package func attach(_ target: Target) {
        state.withLock { $0.target = target }
    }

    package func bind(server: UpstreamServer, id: Int) {
        state.withLock { $0.upstream = (server, id) }
    }

    package var server: UpstreamServer? { state.withLock { $0.upstream?.server } }
    package var upstreamID: Int? { state.withLock { $0.upstream?.id } }

    /// The client cancelled: tell the server and end the request without a response.
    package func cancel(reason: String?) {
        let (upstream, target) = state.withLock { s -> ((UpstreamServer, Int)?, Target?) in
            defer { s.upstream = nil }
            return (s.upstream.map { ($0.server, $0.id) }, s.target)
        }
        guard let (server, id) = upstream else { return }
        server.cancel(id: id, reason: reason)
        if let target {
            target.session.finish(call: self)
            target.responder.abandon()
        }
    }

    package func upstreamCallNotification(_ message: JSONRPCMessage, from server: UpstreamServer) {
        // Progress between an `input_required` answer and the retry has nowhere to go (§4.2).
        guard let method = message.method, let params = message.params, let target else { return }
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
        target.session.sendInterim(outgoing, via: target.responder, kind: .notification, method: method)
    }
}
