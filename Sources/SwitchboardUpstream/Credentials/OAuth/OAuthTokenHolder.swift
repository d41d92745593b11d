import Synchronization

/// The access token in force for one `credentials.oauth` server, read by its transport for
/// every request under a short lock and replaced by the control plane when a consent
/// completes or a refresh succeeds. A 401 to a request that carried the token in force
/// drops it and tells the control plane, which refreshes it.
package final class OAuthTokenHolder: Sendable {
    package let server: String
    private let state = Mutex<(token: String?, whenRejected: (@Sendable () -> Void)?, status: String?)>((nil, nil, nil))

    package init(server: String) {
        self.server = server
    }

    package var token: String? { state.withLock { $0.token } }

    /// One line on the connection (connected to which issuer, or why not), written by the
    /// control plane and shown in `/readyz` and `check`.
    package var status: String? {
        get { state.withLock { $0.status } }
        set { state.withLock { $0.status = newValue } }
    }

    package func set(_ token: String?) {
        state.withLock { $0.token = token }
    }

    /// What to do when the server refuses the token in force (refresh it).
    package func whenRejected(_ action: @escaping @Sendable () -> Void) {
        state.withLock { $0.whenRejected = action }
    }

    /// The server answered 401 to a request carrying `token` (nil: not known which): the token
    /// is dropped if it is still the one in force, and the control plane told.
    func rejected(_ sent: String?) {
        let action = state.withLock { state -> (@Sendable () -> Void)? in
            guard state.token != nil, sent == nil || sent == state.token else { return nil }
            state.token = nil
            return state.whenRejected
        }
        action?()
    }
}

/// One holder per `credentials.oauth` server of a config, shared by the transports (which
/// read) and the control plane (which writes).
package final class OAuthTokenHolders: Sendable {
    private let holders: [String: OAuthTokenHolder]

    package init(servers: [String]) {
        holders = Dictionary(uniqueKeysWithValues: servers.map { ($0, OAuthTokenHolder(server: $0)) })
    }

    package subscript(server: String) -> OAuthTokenHolder? { holders[server] }

    package var all: [OAuthTokenHolder] { Array(holders.values) }
}
