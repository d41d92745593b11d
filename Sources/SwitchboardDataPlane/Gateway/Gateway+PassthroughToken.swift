/// The hook through which `passthrough` servers get the caller's own token.
extension Gateway {
    /// The verified bearer token `caller` presented with its request, for servers configured with
    /// `credentials.passthrough` (the audience is checked before it is sent). Nil for callers
    /// with API keys, certificates or none: requests to a passthrough server are then refused
    /// with "the caller has no bearer token to pass through to this server".
    func passthroughToken(for caller: RequestCaller) -> String? {
        caller.bearerToken
    }
}
