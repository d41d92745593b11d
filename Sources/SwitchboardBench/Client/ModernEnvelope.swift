import SwitchboardCore

/// What turns a request into a stateless 2026-07-28 one (spec digest §1.4, §2.2): the version,
/// the client's capabilities and `clientInfo` in `params._meta`, and the headers a server
/// checks against the body. Fixed for a whole load run, so it is encoded once as text.
struct ModernEnvelope: Sendable {
    let version: String
    /// The `_meta` members, without braces: `"io.modelcontextprotocol/protocolVersion":…,…`.
    let metaMembers: String
    /// `Mcp-Method` and, for the methods that name something, `Mcp-Name`, as header lines.
    let headerLines: String

    /// - Parameter name: `params.name` of a tools/call (or prompts/get), nil for other methods.
    init(version: String, method: String, name: String?) {
        self.version = version
        var meta = JSONWriter.quoted(MCPMeta.protocolVersion) + ":" + JSONWriter.quoted(version)
        // No optional capability: the bench never answers input requests.
        meta += "," + JSONWriter.quoted(MCPMeta.clientCapabilities) + ":{}"
        meta += "," + JSONWriter.quoted(MCPMeta.clientInfo) + #":{"name":"switchboard-bench","version":"1.0.0"}"#
        metaMembers = meta
        var lines = "Mcp-Method: \(method)\r\n"
        if let name { lines += "Mcp-Name: \(MCPHeaderValue.encode(name))\r\n" }
        headerLines = lines
    }

    /// The same headers as `headerLines`, for the handshake client's one check request.
    var headers: [HeaderArgument] {
        headerLines.split(separator: "\r\n").compactMap { try? HeaderArgument(parsing: String($0)) }
    }
}
