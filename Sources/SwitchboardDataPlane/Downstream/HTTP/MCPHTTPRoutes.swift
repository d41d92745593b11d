import NIOCore
import NIOHTTP1
import SwitchboardCore

/// What each path of the data-plane listener leads to. Health, readiness and the OAuth
/// metadata answer at once; the MCP endpoints (Streamable HTTP, HTTP+SSE) and the admin API
/// first check Origin and then need the caller authenticated (`MCPHTTPHandler` does that,
/// since a bearer token seen for the first time is checked off the event loop).
struct MCPHTTPRoutes: Sendable {
    let gateway: Gateway
    let origins: OriginPolicy
    let authentication: CallerAuthentication
    let streamable: StreamableHTTPEndpoint
    let legacySSE: LegacySSEEndpoint
    let control: (any ControlRoutes)?
    let consent: (any ConsentRoutes)?
    /// `/metrics` (nil: `metrics.enabled` is off).
    let metrics: MetricsEndpoint?
    /// `/api/v1/tools…`.
    let rest: RESTEndpoint
    /// `/a2a…` and the agent cards.
    let a2a: A2AEndpoint

    enum Resolution {
        case reply(HTTPReply)
        /// Turned away before any caller is known, for `reason` (recorded: `request.refused`).
        case refused(HTTPReply, reason: String)
        /// An answer that takes a while and needs no caller (the OAuth consent pages).
        case later(EventLoopFuture<HTTPReply>)
        /// An endpoint that needs the caller, on `virtualServer` (nil: `/mcp` itself).
        case authenticate(GatewayPath, path: Substring, virtualServer: String?)
    }

    func resolve(_ head: HTTPRequestHead, on loop: any EventLoop) -> Resolution {
        let path = head.uri.firstIndex(of: "?").map { head.uri[..<$0] } ?? head.uri[...]
        let query = head.uri.firstIndex(of: "?").map { head.uri[head.uri.index(after: $0)...] } ?? ""
        let endpoint = GatewayPath(path)
        switch endpoint {
        case .mcp(let name), .legacyStream(let name), .legacyMessages(let name):
            guard origins.permits(head.headers.first(name: "Origin")) else { return .refused(HTTPRefusal.originNotAllowed, reason: "origin") }
            guard let name else { return .authenticate(endpoint, path: path, virtualServer: nil) }
            guard let known = gateway.governance.virtualServer(named: name) else { return .reply(HTTPRefusal.unknownVirtualServer) }
            return .authenticate(endpoint, path: path, virtualServer: known)
        case .admin:
            guard origins.permits(head.headers.first(name: "Origin")) else { return .refused(HTTPRefusal.originNotAllowed, reason: "origin") }
            return .authenticate(endpoint, path: path, virtualServer: nil)
        case .restTools, .restCall, .openAIToolCalls:
            guard origins.permits(head.headers.first(name: "Origin")) else { return .refused(HTTPRefusal.originNotAllowed, reason: "origin") }
            // A virtual server's part of the catalogue, as at /mcp/{name}.
            let given = query.split(separator: "&").contains { $0 == "virtual_server" || $0.hasPrefix("virtual_server=") }
            guard let name = QueryString.value("virtual_server", in: query) else {
                // Present but not decodable is a mistake to say, not a reason to serve /mcp.
                return given ? .reply(HTTPRefusal.unknownVirtualServer) : .authenticate(endpoint, path: path, virtualServer: nil)
            }
            guard let known = gateway.governance.virtualServer(named: Substring(name)) else { return .reply(HTTPRefusal.unknownVirtualServer) }
            return .authenticate(endpoint, path: path, virtualServer: known)
        case .a2a(let name), .agentCard(let name):
            guard origins.permits(head.headers.first(name: "Origin")) else { return .refused(HTTPRefusal.originNotAllowed, reason: "origin") }
            var known: String?
            if let name {
                guard let found = gateway.governance.virtualServer(named: name) else { return .reply(HTTPRefusal.unknownVirtualServer) }
                known = found
            }
            if case .agentCard = endpoint {
                guard head.method == .GET || head.method == .HEAD else { return .reply(HTTPRefusal.methodNotAllowed(allow: "GET")) }
                // The public card: without a credential, a gateway that wants one lists no skills.
                let presented = head.headers.contains(name: "Authorization") || head.headers.contains(name: "X-API-Key")
                if authentication.anonymous == nil, !presented { return .later(a2a.card(head, caller: nil, virtualServer: known, on: loop)) }
            }
            return .authenticate(endpoint, path: path, virtualServer: known)
        case .resourceMetadata(let resourcePath):
            guard head.method == .GET || head.method == .HEAD else { return .reply(HTTPRefusal.methodNotAllowed(allow: "GET")) }
            guard let document = resourceMetadata(resourcePath: resourcePath, head: head) else { return .reply(HTTPRefusal.notFound) }
            return .reply(HTTPReply(.ok, headers: [("Cache-Control", "max-age=300")], body: document))
        case .connect(let server):
            guard head.method == .GET else { return .reply(HTTPRefusal.methodNotAllowed(allow: "GET")) }
            guard let consent else { return .reply(HTTPRefusal.notFound) }
            return .later(consent.connect(server: server, query: query, on: loop))
        case .oauthCallback:
            guard head.method == .GET else { return .reply(HTTPRefusal.methodNotAllowed(allow: "GET")) }
            guard let consent else { return .reply(HTTPRefusal.notFound) }
            return .later(consent.callback(query: query, on: loop))
        case .console(let asset):
            guard let control else { return .reply(HTTPRefusal.notFound) }
            return .later(control.console(head, asset: asset, on: loop))
        case .health:
            return .reply(HTTPReply(.ok, contentType: "text/plain", body: ByteBuffer(string: "ok\n")))
        case .readiness:
            return .reply(HTTPReply(.ok, body: ReadinessReport.render(gateway)))
        case .metrics:
            guard let metrics else { return .reply(HTTPRefusal.notFound) }
            guard head.method == .GET || head.method == .HEAD else { return .reply(HTTPRefusal.methodNotAllowed(allow: "GET")) }
            // Scrapers send no Origin; a browser page on another site must not read it either.
            guard origins.permits(head.headers.first(name: "Origin")) else { return .refused(HTTPRefusal.originNotAllowed, reason: "origin") }
            guard !metrics.isPublic, authentication.auth != nil else { return .reply(metrics.reply()) }
            return .authenticate(endpoint, path: path, virtualServer: nil)
        case .unknown:
            return .reply(HTTPRefusal.notFound)
        }
    }

    /// The endpoint's answer to an authenticated request.
    func serve(_ endpoint: GatewayPath, path: Substring, _ request: HTTPRequest, on connection: some HTTPConnection) -> HTTPOutcome {
        switch endpoint {
        case .mcp:
            return streamable.serve(request, on: connection)
        case .legacyStream, .legacyMessages:
            return legacySSE.serve(endpoint, request, channel: connection.channel)
        case .admin:
            guard let control else { return .reply(HTTPRefusal.notFound) }
            let answer = control.serve(request.head, path: path, body: request.body, caller: request.caller.principal, on: connection.channel.eventLoop)
            return .later(answer.map { .reply($0) })
        case .restTools, .restCall, .openAIToolCalls:
            let query = request.head.uri.firstIndex(of: "?").map { request.head.uri[request.head.uri.index(after: $0)...] } ?? ""
            var resolved = endpoint
            if case .restCall(let encoded) = endpoint {
                guard let name = QueryString.decode(encoded, plusIsSpace: false) else {
                    return .reply(RESTProblem.reply(status: .badRequest, title: "Bad request", detail: "the tool name in the path does not decode"))
                }
                resolved = .restCall(name: Substring(name))
            }
            return .later(rest.serve(resolved, request, query: query, on: connection.channel.eventLoop).map { .reply($0) })
        case .a2a:
            return a2a.serve(request, on: connection)
        case .agentCard:
            return .later(a2a.card(request.head, caller: request.caller, virtualServer: request.virtualServer, on: connection.channel.eventLoop).map { .reply($0) })
        case .metrics:
            guard let metrics else { return .reply(HTTPRefusal.notFound) }
            guard metrics.mayScrape(request.caller.principal, authentication: authentication) else {
                let roles = metrics.roles.union(authentication.adminRoles).sorted()
                return .reply(HTTPReply(.forbidden, contentType: "text/plain", body: ByteBuffer(string: "/metrics needs one of the roles \(roles)\n")))
            }
            return .reply(metrics.reply())
        case .resourceMetadata, .health, .readiness, .unknown, .connect, .oauthCallback, .console:
            return .reply(HTTPRefusal.notFound)  // answered by `resolve`
        }
    }

    /// `GET /.well-known/oauth-protected-resource[/mcp[/{vs}]]`: nil (404) for other paths, for
    /// unknown virtual servers, and when the gateway checks no credentials.
    private func resourceMetadata(resourcePath: Substring, head: HTTPRequestHead) -> ByteBuffer? {
        let mcpPath: String
        switch GatewayPath(resourcePath) {
        case .mcp(let name):
            if let name, gateway.governance.virtualServer(named: name) == nil { return nil }
            mcpPath = GatewayPath.mcpPath(virtualServer: name.map(String.init))
        default:
            // The root document describes `/mcp`, for clients that fall back to it (digest §5).
            guard resourcePath.isEmpty || resourcePath == "/" else { return nil }
            mcpPath = "/mcp"
        }
        return authentication.resourceMetadata(mcpPath: mcpPath, head: head)
    }
}
