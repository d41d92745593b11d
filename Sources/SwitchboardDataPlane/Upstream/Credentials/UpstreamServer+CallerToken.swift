import Synchronization
import SwitchboardCore

/// Passthrough: the caller's token travels with its request, and only to a server it was
/// minted for.
extension UpstreamServer {
    package func upstreamTransport(callerTokenFor correlation: UInt64) -> String? {
        guard let id = Int(exactly: correlation) else { return nil }
        return state.withLock { $0.pending[id]?.meta?.callerToken }
    }

    /// Why a request made for a caller cannot go to this passthrough server; nil when it can
    /// (or the server is not one). The transport checks the audience again before sending.
    func callerTokenRefusal(_ meta: UpstreamRequestMeta?) -> UpstreamError? {
        guard case .passthrough(let audience)? = config.credentials, let meta else { return nil }
        guard let token = meta.callerToken else {
            return .unavailable(server: name, reason: UpstreamCredentialError.noCallerToken.description)
        }
        guard CallerTokenAudience.token(token, isFor: audience) else {
            return .unavailable(server: name, reason: UpstreamCredentialError.callerTokenNotForServer.description)
        }
        return nil
    }
}
