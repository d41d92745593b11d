import NIOCore
import NIOHTTP1
import SwitchboardCore

/// A request turned away before it reaches the gateway: a 401 (no or bad credentials) or a
/// 403 (a valid caller without the scope or the endpoint), with the `WWW-Authenticate`
/// challenge that tells an OAuth client where to look, and a JSON-RPC error body for clients
/// that read it. Never carries the credential itself.
struct AuthRefusal: Error, Sendable {
    let status: HTTPResponseStatus
    let challenge: String?
    let message: String
    /// Bounded metric label: why (missing, unknown_key, revoked_key, expired, …).
    let reason: String

    var headers: [(String, String)] {
        challenge.map { [("WWW-Authenticate", $0)] } ?? []
    }

    var body: ByteBuffer {
        let code = status == .forbidden ? JSONRPCErrorCode.forbidden : JSONRPCErrorCode.unauthorized
        return JSONRPCEncoding.error(id: nil, code: code, message: message)
    }

    /// A verification that failed for no reason the gateway could name (the task ended early).
    static let unavailable = AuthRefusal(status: .unauthorized, challenge: nil, message: "Unauthorized: the credentials could not be checked", reason: "unavailable")
}
