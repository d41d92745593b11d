package import NIOCore
import Synchronization

/// The access token in force for one `credentials.oauth` server, read by its transport for
/// every request under a short lock and replaced by the control plane when a consent
/// completes or a refresh succeeds. A 401 to a request that carried the token in force drops
/// it and asks the control plane for a refresh; requests made meanwhile wait for the new
/// token (at most `refreshWait`) instead of failing.
package final class OAuthTokenHolder: Sendable {
    package enum Token {
        /// The `Authorization` value, `Bearer …`, made once per token.
        case ready(header: String)
        /// A refresh is under way: completes with the new token, or fails.
        case pending(EventLoopFuture<String>)
        /// Nobody consented, or the connection was lost.
        case none
    }

    private struct State {
        var token: String? {
            didSet { header = token.map { "Bearer " + $0 } }
        }
        var header: String?
        var refreshing = false
        var waiters: [EventLoopPromise<String>] = []
        var whenRejected: (@Sendable () -> Void)?
        var whenScopeInsufficient: (@Sendable ([String]) -> Void)?
        var status: String?
    }

    package let server: String
    private let refreshWait: TimeAmount
    private let state = Mutex(State())

    package init(server: String, refreshWait: TimeAmount = .seconds(15)) {
        self.server = server
        self.refreshWait = refreshWait
    }

    package var token: String? { state.withLock { $0.token } }

    /// The token for a request made on `loop`.
    func current(on loop: any EventLoop) -> Token {
        state.withLock { state -> Token in
            if let header = state.header { return .ready(header: header) }
            guard state.refreshing else { return .none }
            let promise = loop.makePromise(of: String.self)
            state.waiters.append(promise)
            let server = server
            let timeout = loop.scheduleTask(in: refreshWait) {
                promise.fail(UpstreamCredentialError.tokenUnavailable(host: server, reason: "the access token is being refreshed and no new one came in time"))
            }
            promise.futureResult.whenComplete { _ in timeout.cancel() }
            return .pending(promise.futureResult)
        }
    }

    /// Puts `token` in force (nil: not connected); requests waiting for a refresh go on with
    /// it, or fail.
    package func set(_ token: String?) {
        let waiters = state.withLock { state -> [EventLoopPromise<String>] in
            state.token = token
            state.refreshing = false
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters {
            if let token { waiter.succeed(token) } else { waiter.fail(UpstreamCredentialError.notConnected(server: server)) }
        }
    }

    /// A refresh that failed for now (the authorization server unreachable): the requests
    /// waiting fail with `reason`; later ones wait for the next try.
    package func refreshFailed(_ reason: String) {
        let waiters = state.withLock { state -> [EventLoopPromise<String>] in
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.fail(UpstreamCredentialError.tokenUnavailable(host: server, reason: reason)) }
    }

    /// One line on the connection (connected to which issuer, or why not), written by the
    /// control plane and shown in `/readyz` and `check`.
    package var status: String? {
        get { state.withLock { $0.status } }
        set { state.withLock { $0.status = newValue } }
    }

    /// What to do when the server refuses the token in force (refresh it).
    package func whenRejected(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.whenRejected = action }
    }

    /// What to do when the server says the token lacks scope (ask for a new consent).
    package func whenScopeInsufficient(_ action: @escaping @Sendable ([String]) -> Void) {
        state.withLock { $0.whenScopeInsufficient = action }
    }

    /// The server answered 403 `insufficient_scope` to a request carrying `sent`, naming
    /// `scopes` (perhaps none); heard only while `sent` is the token in force.
    func insufficientScope(_ scopes: [String], sent: String?) {
        let action = state.withLock { state in state.token != nil && state.token == sent ? state.whenScopeInsufficient : nil }
        action?(scopes)
    }

    /// The server answered 401 to a request carrying `sent` (nil: not known which): the token
    /// is dropped if it is still the one in force, and a refresh asked for.
    func rejected(_ sent: String?) {
        let action = state.withLock { state -> (@Sendable () -> Void)? in
            guard state.token != nil, sent == nil || sent == state.token else { return nil }
            state.token = nil
            state.refreshing = true
            return state.whenRejected
        }
        action?()
    }
}

/// The token holders of a config's `credentials.oauth` servers, shared by the transports
/// (which read) and the control plane (which writes): one for the gateway's own token per
/// server, and for `per_user` servers one per caller (principal id), made when first asked for.
package final class OAuthTokenHolders: Sendable {
    private let holders: [String: OAuthTokenHolder]
    private let personal = Mutex<[String: [String: OAuthTokenHolder]]>([:])

    package init(servers: [String]) {
        holders = Dictionary(uniqueKeysWithValues: servers.map { ($0, OAuthTokenHolder(server: $0)) })
    }

    /// The gateway's own token for `server`.
    package subscript(server: String) -> OAuthTokenHolder? { holders[server] }

    /// `principal`'s token for `server` (nil principal: the gateway's own); nil for a server
    /// that is not an OAuth server.
    package func holder(server: String, principal: String?) -> OAuthTokenHolder? {
        guard let shared = holders[server] else { return nil }
        guard let principal else { return shared }
        return personal.withLock { all in
            if let holder = all[server]?[principal] { return holder }
            let holder = OAuthTokenHolder(server: server)
            all[server, default: [:]][principal] = holder
            return holder
        }
    }

    /// The gateway's own holders.
    package var all: [OAuthTokenHolder] { Array(holders.values) }

    /// How many callers hold a token for `server`.
    package func connectedCallers(server: String) -> Int {
        personal.withLock { $0[server]?.values.filter { $0.token != nil }.count ?? 0 }
    }
}
