package import NIOCore
package import SwitchboardCore

/// What a client receives for an error, in every era: the JSON-RPC error message, the HTTP
/// status it travels with where there is one, and `Retry-After`. The one place where an error
/// the gateway decided (`GatewayError`) or relays from a server becomes an answer, so the era
/// rules (spec digest §1.4, §6) and the error counter live together.
///
/// - A legacy client gets every JSON-RPC error with 200, as Streamable HTTP does.
/// - A 2026-07-28 client gets "method not found" as 404 and a missing capability as 400; a
///   legacy "resource not found" (-32002) does not exist for it and becomes -32602.
/// - A quota refusal is 429 with `Retry-After` in every era (SDK clients read the JSON-RPC
///   error from the 429 body); a full gateway refusing a new session or 2026-07-28 request
///   is 503.
package struct ErrorReply {
    package let body: ByteBuffer
    package let httpStatus: Int
    package let retryAfter: Int?

    /// An error the gateway decided.
    package init(_ error: GatewayError, id: JSONRPCID?, modernClient: Bool) {
        var code = error.code
        if modernClient, code == JSONRPCErrorCode.resourceNotFound { code = JSONRPCErrorCode.invalidParams }
        body = JSONRPCEncoding.error(id: id, code: code, message: error.message, data: error.data)
        switch error {
        case .quotaExceeded: httpStatus = 429
        case .sessionLimit: httpStatus = 503
        default: httpStatus = Self.httpStatus(code: code, modernClient: modernClient)
        }
        retryAfter = error.retryAfterSeconds
        GatewayMetrics.gatewayErrors.increment(String(code))
    }

    /// A server's error object (the `error` member), relayed under the client's `id`.
    /// The 2026-07-28 codes -32020…-32022 describe the gateway's exchange with the server, not
    /// the client's with the gateway: a 2026-07-28 client would blame its own headers or
    /// version, and a legacy client does not know them. They become the gateway's "server
    /// broke the protocol" (-31003), naming the server, with its message kept.
    package init(relaying error: JSONView, from server: String, id: JSONRPCID, modernClient: Bool) {
        let (object, code) = Self.shape(error, from: server, modernClient: modernClient)
        body = JSONRPCEncoding.error(id: id, errorObject: object)
        httpStatus = Self.httpStatus(code: code, modernClient: modernClient)
        retryAfter = nil
    }

    /// The HTTP status of a final JSON-RPC error for a client of that era; 200 for any
    /// code this table does not name.
    package static func httpStatus(code: Int?, modernClient: Bool) -> Int {
        guard modernClient else { return 200 }
        switch code {
        case JSONRPCErrorCode.methodNotFound: return 404
        case JSONRPCErrorCode.missingRequiredClientCapability: return 400
        default: return 200
        }
    }

    private static func shape(_ error: JSONView, from server: String, modernClient: Bool) -> (object: ByteBuffer, code: Int) {
        guard let codeView = error["code"], let code = codeView.int else { return (error.bytes, JSONRPCErrorCode.internalError) }
        switch code {
        case JSONRPCErrorCode.headerMismatch, JSONRPCErrorCode.missingRequiredClientCapability, JSONRPCErrorCode.unsupportedProtocolVersion:
            var w = JSONWriter()
            w.beginObject()
            w.field("code", JSONRPCErrorCode.upstreamProtocolError)
            w.field("message", "Server '\(server)' refused the gateway's request (\(code)): \(error["message"]?.string ?? "")")
            w.field("data", raw: #"{"server":"# + JSONWriter.quoted(server) + "}")
            w.endObject()
            return (w.buffer, JSONRPCErrorCode.upstreamProtocolError)
        case JSONRPCErrorCode.resourceNotFound where modernClient:
            return (JSONSplice.replacing(in: error, [(codeView, String(JSONRPCErrorCode.invalidParams))]), JSONRPCErrorCode.invalidParams)
        default:
            return (error.bytes, code)
        }
    }
}
