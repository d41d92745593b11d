import NIOCore
package import SwitchboardCore
import Synchronization

/// A client request that was sent to an upstream server: links the client's id and progress
/// token to the server and the upstream id, so progress, cancellation and server-to-client
/// requests find their way in both directions.
package final class CallContext: UpstreamCallObserver, Sendable {
    package let session: DownstreamSession
    package let downstreamID: JSONRPCID
    package let method: String
    /// The client's `progressToken` as JSON text, when it asked for progress.
    package let progressToken: String?
    package let responder: any DownstreamResponder
    private let upstream = Mutex<(server: UpstreamServer, id: Int)?>(nil)

    package init(session: DownstreamSession, downstreamID: JSONRPCID, method: String, progressToken: String?, responder: any DownstreamResponder) {
        self.session = session
        self.downstreamID = downstreamID
        self.method = method
        self.progressToken = progressToken
        self.responder = responder
    }

    package func bind(server: UpstreamServer, id: Int) {
        upstream.withLock { $0 = (server, id) }
    }

    package var server: UpstreamServer? { upstream.withLock { $0?.server } }

    /// The client cancelled: tell the server and end the request without a response.
    package func cancel(reason: String?) {
        guard let (server, id) = upstream.withLock({ u -> (UpstreamServer, Int)? in
            defer { u = nil }
            return u.map { ($0.server, $0.id) }
        }) else { return }
        server.cancel(id: id, reason: reason)
        session.finish(call: self)
        responder.abandon()
    }

    package func upstreamCallNotification(_ message: JSONRPCMessage, from server: UpstreamServer) {
        guard let method = message.method, let params = message.params else { return }
        var outgoing: ByteBuffer
        if method == MCPMethod.progress {
            // Put the client's own token back in place of ours.
            // The server's message with only the token swapped: one copy, nothing re-encoded.
            guard let token = progressToken, let ours = params["progressToken"] else { return }
            outgoing = JSONSplice.replacing(in: message.root, [(ours, token)])
        } else if method == MCPMethod.message {
            outgoing = message.bytes
        } else {
            return
        }
        session.sendInterim(outgoing, via: responder, kind: .notification, method: method)
    }
}
