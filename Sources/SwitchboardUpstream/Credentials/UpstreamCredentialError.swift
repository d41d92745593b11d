/// Why the gateway could not present its credentials to a server. Messages name the key or
/// the host involved and never a secret, a token or a file's content. A send that fails with
/// one becomes `UpstreamError.unavailable` (JSON-RPC -31001) naming the server.
package enum UpstreamCredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token endpoint gave no usable token (`oauth_client_credentials`).
    case tokenUnavailable(host: String, reason: String)
    /// A credential file could not be read, and none was read before (`bearer_file`,
    /// `headers_from_files`, `client_secret_file`); `key` says which.
    case unreadableFile(key: String, reason: String)
    /// Passthrough: the caller's token does not name this server in `aud`.
    case callerTokenNotForServer
    /// Passthrough: the request is made for a caller who authenticated without a bearer token.
    case noCallerToken
    /// Delegated: no token is stored for this caller (principal id) and server, or it expired.
    case noDelegatedCredential(principal: String, server: String)
    /// Delegated: the stored token cannot travel in a header (the store was edited by hand).
    case unusableDelegatedCredential
    /// OAuth: no token yet (nobody consented), or the last one was refused and not renewed.
    case notConnected(server: String)

    package var description: String {
        switch self {
        case .tokenUnavailable(let host, let reason): "could not obtain a token from \(host): \(reason)"
        case .unreadableFile(let key, let reason): "could not read the file of \(key): \(reason)"
        case .callerTokenNotForServer: "the caller's token is not for this server"
        case .noCallerToken: "the caller has no bearer token to pass through to this server"
        case .noDelegatedCredential(let principal, let server): "no delegated credential for \(principal) on \(server)"
        case .unusableDelegatedCredential: "the delegated credential cannot be sent in a header"
        case .notConnected(let server):
            "not connected to its authorization server: an administrator authorizes it with `switchboard connect \(server)`"
        }
    }
}
