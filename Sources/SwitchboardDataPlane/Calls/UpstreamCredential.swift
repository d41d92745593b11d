import SwitchboardCore
import SwitchboardPolicy
import SwitchboardUpstream

/// The one decision of what a forwarded request carries toward its server on behalf of its
/// caller. Most servers get the gateway's own credential (static headers, OAuth client
/// credentials), which their transport adds. A `passthrough` server gets the caller's own
/// verified bearer token, a `delegated` one the token stored for the caller's principal;
/// either travels in the request's `UpstreamRequestMeta`, and a request made for a caller
/// without one is refused before anything is sent (`UpstreamServer.callerTokenRefusal`).
struct UpstreamCredential: Sendable {
    /// The tokens stored per caller for `delegated` servers (nil when none is configured).
    let delegated: DelegatedCredentials?

    /// `meta` with the caller's token for `server` added, when the server takes one.
    func meta(_ meta: UpstreamRequestMeta?, for caller: RequestCaller, to server: UpstreamServer) -> UpstreamRequestMeta? {
        guard server.config.credentials?.usesCallerToken == true else { return meta }
        // A meta marks the request as made for a caller: without a token it is refused.
        var meta = meta ?? UpstreamRequestMeta()
        meta.callerToken = token(for: caller, to: server)
        meta.callerID = caller.principal.id
        return meta
    }

    /// The caller's own token (passthrough; its audience is checked before it is sent), or the
    /// one stored for its principal id and this server (delegated).
    private func token(for caller: RequestCaller, to server: UpstreamServer) -> String? {
        switch server.config.credentials {
        case .passthrough?: caller.bearerToken
        case .delegated?: delegated?.token(principal: caller.principal.id, server: server.name)
        default: nil
        }
    }
}
