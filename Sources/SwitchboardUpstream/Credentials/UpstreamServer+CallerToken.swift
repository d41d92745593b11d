import Synchronization
import SwitchboardCore

/// Passthrough and delegated: a token that depends on the caller travels with its request;
/// passthrough only to a server it was minted for, delegated only when one is stored.
extension UpstreamServer {
    package func upstreamTransport(callerTokenFor correlation: UInt64) -> String? {
        guard let id = Int(exactly: correlation) else { return nil }
        return state.withLock { $0.pending[id]?.meta?.callerToken }
    }

    /// Why a request made for a caller cannot go to this passthrough server; nil when it can
    /// (or the server is not one). The transport checks the audience again before sending.
    func callerTokenRefusal(_ meta: UpstreamRequestMeta?) -> UpstreamError? {
        guard let meta else { return nil }
        switch config.credentials {
        case .passthrough(let audience)?:
            guard let token = meta.callerToken else {
                return .unavailable(server: name, reason: UpstreamCredentialError.noCallerToken.description)
            }
            guard CallerTokenAudience.token(token, isFor: audience) else {
                return .unavailable(server: name, reason: UpstreamCredentialError.callerTokenNotForServer.description)
            }
            return nil
        case .delegated?:
            guard meta.callerToken == nil else { return nil }
            let missing = UpstreamCredentialError.noDelegatedCredential(principal: meta.callerID ?? "anonymous", server: name)
            return .unavailable(server: name, reason: missing.description)
        default:
            return nil
        }
    }
}
