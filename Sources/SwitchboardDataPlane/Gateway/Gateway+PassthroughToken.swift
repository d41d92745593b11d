/// The hook through which `passthrough` servers get the caller's own token.
extension Gateway {
    /// The verified bearer token `session`'s caller presented, for servers configured with
    /// `credentials.passthrough` (the audience is checked before it is sent). Nil for callers
    /// with API keys, certificates or none: requests to a passthrough server are then refused
    /// with "the caller has no bearer token to pass through to this server".
    func passthroughToken(for session: DownstreamSession) -> String? {
        session.bearerToken
    }
}
