package import Foundation
import NIOCore
import NIOHTTP1
package import SwitchboardCore

/// What a token endpoint issued for one authorization. Printing shows no token.
package struct OAuthTokens: Sendable, Equatable, Codable, CustomStringConvertible {
    package var accessToken: String
    package var refreshToken: String?
    package var expiresAt: Date?
    package var scope: String?

    package init(accessToken: String, refreshToken: String?, expiresAt: Date?, scope: String?) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.scope = scope
    }

    package var description: String {
        "<redacted>" + (refreshToken == nil ? "" : " +refresh") + (expiresAt.map { " until \($0)" } ?? "")
    }
}

/// The token endpoint's two grants the gateway uses as an authorization-code client: the code
/// (with the PKCE verifier and the RFC 8707 resource) and refresh (rotation honoured: a new
/// refresh token replaces the old one; none keeps it).
package struct OAuthTokenEndpoint: Sendable {
    package let url: WebURL
    package let client: OAuthClientIdentity
    package let http: OAuthHTTP

    package init(url: WebURL, client: OAuthClientIdentity, http: OAuthHTTP) {
        self.url = url
        self.client = client
        self.http = http
    }

    package func exchange(code: String, verifier: String, redirectURI: String, resource: String, now: Date = Date()) async throws(OAuthError) -> OAuthTokens {
        try await request(
            [("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier), ("redirect_uri", redirectURI), ("resource", resource)],
            keeping: nil, now: now
        )
    }

    package func refresh(_ refreshToken: String, resource: String, now: Date = Date()) async throws(OAuthError) -> OAuthTokens {
        try await request([("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("resource", resource)], keeping: refreshToken, now: now)
    }

    private func request(_ fields: [(String, String)], keeping refreshToken: String?, now: Date) async throws(OAuthError) -> OAuthTokens {
        var fields = fields
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json")
        client.authenticate(&fields, &headers)
        let response = try await http.send(.POST, url, headers: headers, body: Array(fields.map { TokenEndpointClient.formEncode($0.0) + "=" + TokenEndpointClient.formEncode($0.1) }.joined(separator: "&").utf8), what: "the token request")
        let issued: IssuedToken
        switch IssuedToken.parse(status: response.status, body: response.body) {
        case .success(let token): issued = token
        case .failure(let problem): throw OAuthError("the token endpoint \(url.redacted) refused: \(problem)")
        }
        return OAuthTokens(
            accessToken: issued.value, refreshToken: issued.refreshToken ?? refreshToken,
            expiresAt: issued.lifetime.map { now.addingTimeInterval(Double($0.nanoseconds) / 1e9) }, scope: issued.scope
        )
    }
}
