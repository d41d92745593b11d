import Foundation
package import SwitchboardCore

/// The URL a browser is sent to for consent (RFC 6749 §4.1.1 with PKCE, RFC 8707 `resource`):
/// the authorization endpoint with its own query kept and the request's parameters added.
package struct OAuthAuthorizationRequest: Sendable {
    package var endpoint: WebURL
    package var clientID: String
    package var redirectURI: String
    package var challenge: String
    package var state: String
    package var scopes: [String]
    package var resource: String

    package init(endpoint: WebURL, clientID: String, redirectURI: String, challenge: String, state: String, scopes: [String], resource: String) {
        self.endpoint = endpoint
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.challenge = challenge
        self.state = state
        self.scopes = scopes
        self.resource = resource
    }

    package var url: String {
        var fields = [
            ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI), ("code_challenge", challenge),
            ("code_challenge_method", "S256"), ("state", state), ("resource", resource),
        ]
        if !scopes.isEmpty { fields.append(("scope", scopes.joined(separator: " "))) }
        // A URL's query: RFC 3986 percent-encoding, not the form encoding of token bodies.
        let query = fields.map { PercentEncoding.encode($0.0) + "=" + PercentEncoding.encode($0.1) }.joined(separator: "&")
        let separator = endpoint.pathAndQuery.contains("?") ? "&" : "?"
        return endpoint.description + separator + query
    }
}
