import Foundation

/// Tests/Peers/servers/oauth_server.py: an MCP server protected by its own authorization
/// server, both from the official Python SDK's auth routes, and a browser for it (curl, one
/// request at a time, redirects read rather than followed).
struct OAuthServerPeer {
    let child: ChildProcessRunner
    let port: Int

    var base: String { "http://127.0.0.1:\(port)" }
    var mcp: String { base + "/mcp" }

    /// `requiredScopes`: scopes beyond `mcp` every request's token must carry. `jwtRoles`:
    /// access tokens are JWTs (key at `/jwks`), each user's carrying these roles.
    static func start(tokenTTL: Int = 3600, requiredScopes: [String] = [], jwtRoles: [String: [String]]? = nil) async throws -> OAuthServerPeer {
        try PeerEnvironment.requirePeers()
        let child = try ChildProcessRunner(
            PeerEnvironment.python,
            [PeerEnvironment.path("Tests/Peers/servers/oauth_server.py"), "--port", "0", "--token-ttl", String(tokenTTL)]
                + requiredScopes.flatMap { ["--require-scope", $0] }
                + (jwtRoles.map { roles in ["--jwt"] + roles.sorted { $0.key < $1.key }.flatMap { ["--user-roles", "\($0.key)=\($0.value.joined(separator: ","))"] } } ?? [])
        )
        let port = try await child.waitForLine(prefix: "READY ", seconds: 30)
        guard let value = Int(port) else { throw HarnessError("bad READY line: \(port)") }
        return OAuthServerPeer(child: child, port: value)
    }

    func stop() { child.stop() }

    /// What a person does in the browser: open the authorization URL, land on the login page,
    /// consent as `user` (to `granting` of the asked scopes only, when given); returns where
    /// the authorization server sends the browser back to.
    func consent(authorizationURL: String, as user: String, granting: [String]? = nil) async throws -> String {
        let authorize = try await curl(authorizationURL, [], maxTime: 10)
        guard authorize.status == 302, let login = authorize.headers["location"], let request = URLComponents(string: login)?
            .queryItems?.first(where: { $0.name == "request" })?.value
        else { throw HarnessError("the authorization endpoint did not send the browser to the login page: \(authorize.status) \(authorize.body)") }
        var form = ["-X", "POST", "--data-urlencode", "request=\(request)", "--data-urlencode", "user=\(user)"]
        if let granting { form += ["--data-urlencode", "grant=\(granting.joined(separator: " "))"] }
        let consent = try await curl(base + "/login", form, maxTime: 10)
        guard consent.status == 302, let back = consent.headers["location"] else {
            throw HarnessError("the login did not redirect back: \(consent.status) \(consent.body)")
        }
        return back
    }

    /// The user revokes everything the app holds for them at the authorization server.
    func revoke(user: String) async throws {
        _ = try await curl(base + "/test/revoke?user=\(user)", ["-X", "POST"], maxTime: 10)
    }
}
