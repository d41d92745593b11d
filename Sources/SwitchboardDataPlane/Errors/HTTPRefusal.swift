import NIOCore
import NIOHTTP1
import SwitchboardCore

/// Every answer the HTTP front door gives before a request reaches the core, with its status.
/// The body is a JSON-RPC error (-32600 unless said) so MCP clients can read why; errors the
/// core decides are mapped in `ErrorReply`. Together they are every error status the data
/// plane sends.
enum HTTPRefusal {
    static func invalidRequest(_ status: HTTPResponseStatus, _ text: String, id: JSONRPCID? = nil, headers: [(String, String)] = []) -> HTTPReply {
        HTTPReply(status, headers: headers, body: JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.invalidRequest, message: text))
    }

    // MARK: The connection

    /// Bytes that are not HTTP/1.1; the connection closes.
    static let malformedHTTP = HTTPReply(.badRequest, contentType: "text/plain", body: ByteBuffer(string: "bad HTTP request\n"), forceClose: true)

    /// The rest of the body is not read; the connection closes.
    static func bodyTooLarge(limit: Int) -> HTTPReply {
        var reply = invalidRequest(.payloadTooLarge, "Request body larger than \(limit) bytes")
        reply.forceClose = true
        return reply
    }

    // MARK: Routing

    static let notFound = HTTPReply(.notFound, contentType: "text/plain", body: ByteBuffer(string: "not found\n"))
    static let originNotAllowed = invalidRequest(.forbidden, "Origin not allowed")
    static let unknownVirtualServer = invalidRequest(.notFound, "Unknown virtual server")

    static func methodNotAllowed(allow: String, _ text: String = "Method not allowed") -> HTTPReply {
        invalidRequest(.methodNotAllowed, text, headers: [("Allow", allow)])
    }

    /// 401 or 403 from authentication, with the challenge that tells an OAuth client where
    /// the metadata is.
    static func unauthorized(_ refusal: AuthRefusal) -> HTTPReply {
        HTTPReply(refusal.status, headers: refusal.headers, body: refusal.body)
    }

    // MARK: Messages

    static let unsupportedMediaType = invalidRequest(.unsupportedMediaType, "Content-Type must be application/json")

    static func notAcceptable(_ text: String) -> HTTPReply { invalidRequest(.notAcceptable, text) }

    /// A body that is not JSON-RPC: -32700 or -32600, as the parser found.
    static func unreadable(code: Int, message: String) -> HTTPReply {
        HTTPReply(.badRequest, body: JSONRPCEncoding.error(id: nil, code: code, message: message))
    }

    /// A 2026-07-28 request whose headers disagree with its body, or whose `_meta` is wrong.
    static func rejected(_ rejection: ModernRequest.Rejection) -> HTTPReply {
        GatewayMetrics.gatewayErrors.increment("modern-rejected")
        return HTTPReply(rejection.status, body: rejection.body)
    }

    /// An answer decided later could not be made (a bug, never a client's fault).
    static let internalError = HTTPReply(.internalServerError, body: JSONRPCEncoding.error(id: nil, code: JSONRPCErrorCode.internalError, message: "Internal error"))

    // MARK: Sessions

    static func sessionIDMissing(id: JSONRPCID?) -> HTTPReply { invalidRequest(.badRequest, "Missing Mcp-Session-Id header", id: id) }
    /// The client starts over with `initialize`.
    static func sessionNotFound(id: JSONRPCID?) -> HTTPReply { invalidRequest(.notFound, "Session not found", id: id) }
}
