import SwitchboardCore
package import SwitchboardUpstream
import SwitchboardPolicy

/// The hook through which `passthrough` and `delegated` servers get a token that depends on
/// the caller.
extension Gateway {
    /// The token a request made for `caller` carries to `server`: the caller's own
    /// (passthrough), or the one stored for its principal id and this server (delegated). Nil
    /// refuses the request before anything is sent (`UpstreamServer.callerTokenRefusal`).
    func callerToken(for caller: RequestCaller, to server: UpstreamServer) -> String? {
        switch server.config.credentials {
        case .passthrough?: passthroughToken(for: caller)
        case .delegated?: delegated?.token(principal: caller.principal.id, server: server.name)
        default: nil
        }
    }
}
