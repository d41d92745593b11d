import Foundation
import NIOHTTP1
package import SwitchboardCore

/// Who the gateway is to an authorization server: a client id, and a secret when the server
/// issued one. Pre-registered in the config, or registered dynamically (RFC 7591) once and
/// remembered in the store.
package struct OAuthClientIdentity: Sendable, Equatable, Codable, CustomStringConvertible {
    package var clientID: String
    package var clientSecret: String?
    /// `none` (public client, PKCE only), `client_secret_basic` or `client_secret_post`.
    package var authMethod: String

    package init(clientID: String, clientSecret: String?, authMethod: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.authMethod = authMethod
    }

    /// Never the secret.
    package var description: String { "client \(clientID) (\(authMethod))" }

    /// Registers the gateway at `endpoint` (RFC 7591) for the authorization code flow with
    /// refresh, redirecting to `redirectURI`.
    package static func register(
        at endpoint: WebURL, redirectURI: String, clientName: String, scopes: [String], http: OAuthHTTP
    ) async throws(OAuthError) -> OAuthClientIdentity {
        var request: [String: Any] = [
            "redirect_uris": [redirectURI], "client_name": clientName, "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"], "token_endpoint_auth_method": "client_secret_basic",
        ]
        if !scopes.isEmpty { request["scope"] = scopes.joined(separator: " ") }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: "application/json")
        let body = Array((try? JSONSerialization.data(withJSONObject: request)) ?? Data())
        let response = try await http.send(.POST, endpoint, headers: headers, body: body, what: "client registration")
        guard response.status == 201 || response.status == 200 else {
            let code = (response.object?["error"] as? String).map { " (\($0))" } ?? ""
            throw OAuthError("client registration at \(endpoint.redacted) answered HTTP \(response.status)\(code)")
        }
        guard let object = response.object, let clientID = object["client_id"] as? String, !clientID.isEmpty else {
            throw OAuthError("client registration at \(endpoint.redacted) returned no client_id")
        }
        let secret = object["client_secret"] as? String
        let method = object["token_endpoint_auth_method"] as? String ?? (secret == nil ? "none" : "client_secret_basic")
        return OAuthClientIdentity(clientID: clientID, clientSecret: secret, authMethod: method)
    }

    /// The client authentication of a token request: `client_id` in the form always (servers
    /// such as the MCP SDK's look the client up by it before anything else), and the secret in
    /// a Basic header (RFC 6749 §2.3.1, form-encoded first) or in the form.
    func authenticate(_ fields: inout [(String, String)], _ headers: inout HTTPHeaders) {
        fields.append(("client_id", clientID))
        switch (authMethod, clientSecret) {
        case ("client_secret_basic", let secret?):
            headers.add(name: "Authorization", value: TokenEndpointClient.basicAuthorization(clientID: clientID, secret: secret))
        case ("client_secret_post", let secret?):
            fields.append(("client_secret", secret))
        default:
            break
        }
    }
}
