package import NIOCore
package import SwitchboardCore

/// The downstream call an upstream request was made for. The upstream session hands it the
/// notifications the server sends about that call before the response (progress, logs);
/// server-to-client requests go through `UpstreamEventsDelegate` with the call attached.
package protocol UpstreamCallObserver: AnyObject, Sendable {
    /// A notification tied to the call (progress with our token, or a log message).
    func upstreamCallNotification(_ message: JSONRPCMessage, from server: UpstreamServer)
    /// False while the call's client is away (a 2026-07-28 client answering
    /// `input_required`): a request on a shared stream then goes to another call if there is one.
    var clientIsPresent: Bool { get }
}

extension UpstreamCallObserver {
    package var clientIsPresent: Bool { true }
}

/// Receives what a server sends that no single call owns, and changes of its state.
package protocol UpstreamEventsDelegate: AnyObject, Sendable {
    /// list_changed, resources/updated, logging not tied to a call, cancellations.
    func upstream(_ server: UpstreamServer, sentNotification message: JSONRPCMessage)
    /// A server-to-client request, with the call it belongs to when the stream it came on
    /// tells (nil when none is waiting on this server).
    func upstream(_ server: UpstreamServer, sentRequest message: JSONRPCMessage, observer: (any UpstreamCallObserver)?)
    /// The server finished a handshake; `restarted` is true after the first.
    func upstreamBecameReady(_ server: UpstreamServer, restarted: Bool)
    /// The server failed while running or starting; it is started again after `retryIn`.
    func upstreamFailed(_ server: UpstreamServer, reason: String, retryIn: TimeAmount)
}

extension UpstreamEventsDelegate {
    package func upstreamFailed(_ server: UpstreamServer, reason: String, retryIn: TimeAmount) {}
}
