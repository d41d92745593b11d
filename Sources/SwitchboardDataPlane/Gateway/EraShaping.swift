import NIOCore
import SwitchboardCore

/// What changes in a result or error on its way to a client of another era (spec digest §7.2,
/// §6 and the bridging matrix, §9). Only touches bytes when something must change.
enum EraShaping {
    /// Members only 2026-07-28 results have; foreign to a legacy client.
    private static let modernOnly: Set<String> = ["resultType", "ttlMs", "cacheScope"]

    /// Methods whose complete results must carry `ttlMs` and `cacheScope` (§7.2).
    static func isCacheable(_ method: String) -> Bool {
        switch method {
        case MCPMethod.serverDiscover, MCPMethod.toolsList, MCPMethod.promptsList, MCPMethod.resourcesList,
            MCPMethod.resourceTemplatesList, MCPMethod.resourcesRead:
            true
        default:
            false
        }
    }

    /// A result the gateway relays or wrote itself, shaped for `session`'s era.
    /// - For a 2026-07-28 client, a result the gateway wrote or a legacy server sent gains
    ///   `resultType`, cache hints on cacheable methods, and the gateway's `serverInfo`.
    ///   The scope is public unless a server called its part private (lists); it turns
    ///   private for all once lists depend on who asks (policy).
    /// - For a legacy client: a 2026-07-28 server's `resultType`, `ttlMs` and `cacheScope`
    ///   dropped.
    static func result(_ result: ByteBuffer, method: String, for session: DownstreamSession, fromModernServer: Bool, serverInfo: String, cacheScope: String = "public") -> ByteBuffer {
        if session.isModern {
            // A 2026-07-28 server's result is already in the client's era (its `resultType`,
            // cache hints and `serverInfo` are the server's duty): relayed untouched.
            if fromModernServer { return result }
            // Members the result may already have are not added twice; looking costs a byte
            // search, and a parse only when a key's name occurs at all.
            var members = has("resultType", in: result) ? "" : #""resultType":"complete","#
            if isCacheable(method), !has("ttlMs", in: result) { members += #""ttlMs":0,"cacheScope":""# + cacheScope + #"","# }
            if !has("_meta", in: result) { members += #""_meta":{""# + MCPMeta.serverInfo + #"":"# + serverInfo + "}," }
            guard !members.isEmpty else { return result }
            return JSONSplice.inserting(String(members.dropLast()), into: result)
        }
        guard fromModernServer, let view = try? JSONView.parse(result, maxDepth: 256) else { return result }
        return JSONSplice.removing(modernOnly, from: view) ?? result
    }

    /// Whether the object `json` has the top-level member `key`.
    private static func has(_ key: String, in json: ByteBuffer) -> Bool {
        guard json.containsBytes(Array(("\"" + key + "\"").utf8)) else { return false }
        return (try? JSONView.parse(json, maxDepth: 256))?[key] != nil
    }

    /// An error object (the `error` member) from `server`, shaped for `session`'s era, with
    /// its final code.
    /// - Legacy "resource not found" (-32002) must not reach a 2026-07-28 client: -32602.
    /// - The 2026-07-28 codes -32020…-32022 describe the gateway's exchange with the server,
    ///   not the client's with the gateway: a 2026-07-28 client would blame its own headers or
    ///   version, and a legacy client does not know them. They become the gateway's "server
    ///   broke the protocol" (-31003), naming the server, with its message kept.
    static func error(_ error: JSONView, for session: DownstreamSession, server: String) -> (object: ByteBuffer, code: Int) {
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
        case JSONRPCErrorCode.resourceNotFound where session.isModern:
            return (JSONSplice.replacing(in: error, [(codeView, String(JSONRPCErrorCode.invalidParams))]), JSONRPCErrorCode.invalidParams)
        default:
            return (error.bytes, code)
        }
    }

    /// The HTTP status a final message carries for `session` (§1.4): for a 2026-07-28 client
    /// "method not found" is a 404 and a missing capability a 400; everything else a 200.
    static func httpStatus(code: Int?, for session: DownstreamSession) -> Int {
        guard session.isModern else { return 200 }
        switch code {
        case JSONRPCErrorCode.methodNotFound: return 404
        case JSONRPCErrorCode.missingRequiredClientCapability: return 400
        default: return 200
        }
    }
}
