/// What a request path names on the data-plane listener. Virtual servers live under
/// `/mcp/{name}` with their own legacy HTTP+SSE pair (`/mcp/{name}/sse`, `/mcp/{name}/messages`);
/// the names themselves are checked against the configuration by the caller.
package enum GatewayPath: Equatable {
    /// Streamable HTTP (and 2026-07-28) MCP endpoint; nil is `/mcp`, the whole catalogue.
    case mcp(virtualServer: Substring?)
    /// `GET /sse`: the 2024-11-05 event stream.
    case legacyStream(virtualServer: Substring?)
    /// `POST /messages?sessionId=`: where a 2024-11-05 client posts.
    case legacyMessages(virtualServer: Substring?)
    /// RFC 9728 metadata; the suffix is the resource path it describes ("" for the root).
    case resourceMetadata(resourcePath: Substring)
    /// `/admin/v1/…`: the admin API (control plane, `ControlRoutes`).
    case admin
    /// `/connect/{server}`: a browser starting a server's OAuth consent (`ConsentRoutes`).
    case connect(server: Substring)
    /// `/oauth/callback`: the authorization server sending the browser back.
    case oauthCallback
    /// `/console` and what is under it: the web console's page and assets (`ControlRoutes`);
    /// `asset` is the rest after `/console` ("" or "/…").
    case console(asset: Substring)
    case health
    case readiness
    /// `/metrics`: Prometheus text (`MetricsEndpoint`).
    case metrics
    /// `GET /api/v1/tools`: the REST front door's catalogue (`RESTEndpoint`).
    case restTools
    /// `POST /api/v1/tools/{name}/call`: a tool call through the REST front door; `name` is
    /// the path segment, still percent-encoded.
    case restCall(name: Substring)
    /// `POST /api/v1/openai/tool_calls`: an assistant message's `tool_calls` run, the `tool`
    /// messages returned (`RESTEndpoint`).
    case openAIToolCalls
    /// `POST /a2a` and `/a2a/{name}`: the A2A front door's JSON-RPC endpoint (`A2AEndpoint`).
    case a2a(virtualServer: Substring?)
    /// `/.well-known/agent-card.json`, `/a2a/.well-known/agent-card.json` and
    /// `/a2a/{name}/.well-known/agent-card.json`: agent cards.
    case agentCard(virtualServer: Substring?)
    case unknown

    static let resourceMetadataPrefix: Substring = "/.well-known/oauth-protected-resource"
    static let agentCardSuffix: Substring = "/.well-known/agent-card.json"
    package static let controlPrefix: Substring = "/admin/v1/"

    init(_ path: Substring) {
        switch path {
        case "/mcp": self = .mcp(virtualServer: nil)
        case "/sse": self = .legacyStream(virtualServer: nil)
        case "/messages": self = .legacyMessages(virtualServer: nil)
        case "/healthz": self = .health
        case "/readyz": self = .readiness
        case "/metrics": self = .metrics
        case "/oauth/callback": self = .oauthCallback
        case "/a2a": self = .a2a(virtualServer: nil)
        case Self.agentCardSuffix, "/a2a" + Self.agentCardSuffix: self = .agentCard(virtualServer: nil)
        default:
            if path.hasPrefix("/mcp/") {
                let rest = path.dropFirst("/mcp/".count)
                let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
                switch (parts.count, parts.last) {
                case (1, _) where !rest.isEmpty: self = .mcp(virtualServer: rest)
                case (2, "sse") where !parts[0].isEmpty: self = .legacyStream(virtualServer: parts[0])
                case (2, "messages") where !parts[0].isEmpty: self = .legacyMessages(virtualServer: parts[0])
                default: self = .unknown
                }
            } else if path.hasPrefix("/a2a/") {
                let rest = path.dropFirst("/a2a/".count)
                if rest.hasSuffix(Self.agentCardSuffix) {
                    let name = rest.dropLast(Self.agentCardSuffix.count)
                    self = name.isEmpty || name.contains("/") ? .unknown : .agentCard(virtualServer: name)
                } else {
                    self = rest.isEmpty || rest.contains("/") ? .unknown : .a2a(virtualServer: rest)
                }
            } else if path.hasPrefix("/connect/") {
                let server = path.dropFirst("/connect/".count)
                self = server.isEmpty || server.contains("/") ? .unknown : .connect(server: server)
            } else if path == "/api/v1/tools" {
                self = .restTools
            } else if path == "/api/v1/openai/tool_calls" {
                self = .openAIToolCalls
            } else if path.hasPrefix("/api/v1/tools/"), path.hasSuffix("/call"), path.count > "/api/v1/tools//call".count {
                let name = path.dropFirst("/api/v1/tools/".count).dropLast("/call".count)
                self = name.contains("/") ? .unknown : .restCall(name: name)
            } else if path == "/console" || path.hasPrefix("/console/") {
                self = .console(asset: path.dropFirst("/console".count))
            } else if path.hasPrefix(Self.controlPrefix) {
                self = .admin
            } else if path.hasPrefix(Self.resourceMetadataPrefix) {
                let rest = path.dropFirst(Self.resourceMetadataPrefix.count)
                self = rest.isEmpty || rest.first == "/" ? .resourceMetadata(resourcePath: rest) : .unknown
            } else {
                self = .unknown
            }
        }
    }

    /// The MCP path a virtual server's endpoints hang off (`/mcp` or `/mcp/{name}`).
    static func mcpPath(virtualServer: String?) -> String {
        virtualServer.map { "/mcp/" + $0 } ?? "/mcp"
    }

    static func a2aPath(virtualServer: String?) -> String {
        virtualServer.map { "/a2a/" + $0 } ?? "/a2a"
    }
}
