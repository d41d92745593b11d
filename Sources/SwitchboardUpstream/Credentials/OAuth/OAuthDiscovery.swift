import Foundation
import NIOHTTP1
package import SwitchboardCore

/// Finds who issues tokens for an MCP server (MCP authorization, 2025-06-18 and 2025-11-25):
/// the server's challenge to a request without a token names its protected-resource metadata
/// (RFC 9728), or the well-known locations are tried; that metadata names the authorization
/// server, whose own metadata (RFC 8414, else OpenID Connect discovery) gives the endpoints.
package struct OAuthDiscovery: Sendable {
    package let http: OAuthHTTP

    package init(http: OAuthHTTP) {
        self.http = http
    }

    /// The challenge the server answers an `initialize` without a token with; nil when it
    /// answers without one (it does not want a token, or says nothing useful).
    package func challenge(of server: HTTPEndpoint) async throws(OAuthError) -> BearerChallenge? {
        let url = WebURL(scheme: server.scheme, host: server.host, port: server.port, pathAndQuery: server.pathAndQuery)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: "application/json, text/event-stream")
        let probe = #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"switchboard","version":"1"}}}"#
        let response = try await http.send(.POST, url, headers: headers, body: Array(probe.utf8), what: "the unauthenticated probe")
        guard response.status == 401 || response.status == 403 else { return nil }
        return response.headers["WWW-Authenticate"].lazy.compactMap(BearerChallenge.parse).first ?? BearerChallenge()
    }

    /// The server's protected-resource metadata: from the challenge's `resource_metadata`, else
    /// `/.well-known/oauth-protected-resource` + the server's path, else at the root.
    package func protectedResource(of server: HTTPEndpoint, challenge: BearerChallenge?) async throws(OAuthError) -> ProtectedResourceMetadata {
        var candidates: [WebURL] = []
        if let named = challenge?.resourceMetadata {
            guard let url = WebURL(parsing: named) else { throw OAuthError("the server's challenge names an unusable resource_metadata URL") }
            candidates.append(url)
        } else {
            let path = server.pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
            let wellKnown = "/.well-known/oauth-protected-resource"
            if path != "/" { candidates.append(WebURL(scheme: server.scheme, host: server.host, port: server.port, pathAndQuery: wellKnown + path)) }
            candidates.append(WebURL(scheme: server.scheme, host: server.host, port: server.port, pathAndQuery: wellKnown))
        }
        for url in candidates {
            if let object = try await http.getObject(url, what: "protected-resource metadata") {
                return try ProtectedResourceMetadata.parse(object, from: url)
            }
        }
        throw OAuthError("\(server.authority) publishes no protected-resource metadata (RFC 9728); set credentials.oauth.authorization_server")
    }

    /// The metadata of the authorization server `issuer` (RFC 8414 §3.1, path inserted after
    /// the host; then OpenID Connect discovery, inserted and appended). The issuer it states
    /// must be the one asked for (RFC 8414 §3.3), so a metadata document cannot redirect the
    /// gateway to another server's endpoints.
    package func authorizationServer(_ issuer: String) async throws(OAuthError) -> AuthorizationServerMetadata {
        guard let base = WebURL(parsing: issuer), base.pathAndQuery.firstIndex(of: "?") == nil else {
            throw OAuthError("the authorization server \(issuer) is not an http(s) URL")
        }
        let path = base.path == "/" ? "" : base.path
        let locations = [
            "/.well-known/oauth-authorization-server" + path,
            "/.well-known/openid-configuration" + path,
            path + "/.well-known/openid-configuration",
        ]
        var tried = Set<String>()
        for location in locations where tried.insert(location).inserted {
            let url = WebURL(scheme: base.scheme, host: base.host, port: base.port, pathAndQuery: location)
            guard let object = try await http.getObject(url, what: "authorization server metadata") else { continue }
            let metadata = try AuthorizationServerMetadata.parse(object, from: url)
            guard Self.sameIssuer(metadata.issuer, issuer) else {
                throw OAuthError("the metadata at \(url.redacted) states issuer \(metadata.issuer), not \(issuer)")
            }
            guard metadata.codeChallengeMethods.contains("S256") else {
                throw OAuthError("the authorization server \(base.origin) does not support PKCE with S256, which MCP requires")
            }
            return metadata
        }
        throw OAuthError("the authorization server \(base.origin) publishes no metadata (RFC 8414 or OpenID Connect discovery)")
    }

    /// Issuers compare as strings, a trailing slash aside (some servers add one).
    static func sameIssuer(_ a: String, _ b: String) -> Bool {
        func trimmed(_ s: String) -> Substring { s.hasSuffix("/") ? s.dropLast() : Substring(s) }
        return trimmed(a) == trimmed(b)
    }
}
