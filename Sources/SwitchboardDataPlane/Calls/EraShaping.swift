import NIOCore
import SwitchboardCore

/// What changes in a result on its way to a client of another era (spec digest §7.2 and the
/// bridging matrix, §9); errors are shaped with their status in `ErrorReply`. Only touches
/// bytes when something must change.
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
    /// `ttlMs` is how long a list the gateway merged stays fresh (`Catalogue.freshFor`).
    static func result(
        _ result: ByteBuffer, method: String, for session: DownstreamSession, fromModernServer: Bool, cacheScope: String = "public", ttlMs: Int = 0
    ) -> ByteBuffer {
        if session.isModern {
            // A 2026-07-28 server's result is already in the client's era (its `resultType`,
            // cache hints and `serverInfo` are the server's duty): relayed untouched.
            if fromModernServer { return result }
            // Members the result may already have are not added twice; looking costs a byte
            // search, and a parse only when a key's name occurs at all.
            var members = has("resultType", in: result) ? "" : #""resultType":"complete","#
            if isCacheable(method), !has("ttlMs", in: result) { members += #""ttlMs":"# + String(ttlMs) + #","cacheScope":""# + cacheScope + #"","# }
            if !has("_meta", in: result) { members += #""_meta":{""# + MCPMeta.serverInfo + #"":"# + session.serverInfo + "}," }
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
}
