import Foundation
package import SwitchboardCore

/// RFC 9728 protected-resource metadata: which authorization servers issue tokens for a
/// server, and the scopes it knows.
package struct ProtectedResourceMetadata: Sendable, Equatable {
    package var resource: String
    package var authorizationServers: [String]
    package var scopesSupported: [String]

    static func parse(_ object: [String: Any], from url: WebURL) throws(OAuthError) -> ProtectedResourceMetadata {
        guard let resource = object["resource"] as? String else {
            throw OAuthError("the protected-resource metadata at \(url.redacted) has no resource")
        }
        let servers = (object["authorization_servers"] as? [Any])?.compactMap { $0 as? String } ?? []
        guard !servers.isEmpty else {
            throw OAuthError("the protected-resource metadata at \(url.redacted) names no authorization server")
        }
        return ProtectedResourceMetadata(
            resource: resource, authorizationServers: servers, scopesSupported: (object["scopes_supported"] as? [Any])?.compactMap { $0 as? String } ?? []
        )
    }
}

/// RFC 8414 (or OpenID Connect discovery) metadata of an authorization server: its endpoints
/// and what it supports.
package struct AuthorizationServerMetadata: Sendable, Equatable {
    package var issuer: String
    package var authorizationEndpoint: WebURL
    package var tokenEndpoint: WebURL
    package var registrationEndpoint: WebURL?
    package var revocationEndpoint: WebURL?
    package var codeChallengeMethods: [String]
    package var tokenEndpointAuthMethods: [String]
    /// Client ID Metadata Documents (a URL as client id) are accepted.
    package var clientIDMetadataDocuments: Bool

    static func parse(_ object: [String: Any], from url: WebURL) throws(OAuthError) -> AuthorizationServerMetadata {
        func endpoint(_ key: String, required: Bool) throws(OAuthError) -> WebURL? {
            guard let text = object[key] as? String else {
                if required { throw OAuthError("the authorization server metadata at \(url.redacted) has no \(key)") }
                return nil
            }
            guard let parsed = WebURL(parsing: text) else {
                throw OAuthError("the authorization server metadata at \(url.redacted) has an unusable \(key)")
            }
            return parsed
        }
        guard let issuer = object["issuer"] as? String else {
            throw OAuthError("the authorization server metadata at \(url.redacted) has no issuer")
        }
        let methods = (object["code_challenge_methods_supported"] as? [Any])?.compactMap { $0 as? String } ?? []
        return AuthorizationServerMetadata(
            issuer: issuer, authorizationEndpoint: try endpoint("authorization_endpoint", required: true)!,
            tokenEndpoint: try endpoint("token_endpoint", required: true)!, registrationEndpoint: try endpoint("registration_endpoint", required: false),
            revocationEndpoint: try endpoint("revocation_endpoint", required: false), codeChallengeMethods: methods,
            tokenEndpointAuthMethods: (object["token_endpoint_auth_methods_supported"] as? [Any])?.compactMap { $0 as? String } ?? [],
            clientIDMetadataDocuments: object["client_id_metadata_document_supported"] as? Bool ?? false
        )
    }
}

extension WebURL {
    /// An absolute http(s) URL found in metadata or a header; nil for anything else (user
    /// info, fragments and other schemes included).
    package init?(parsing text: String) {
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = parts.host, !host.isEmpty, parts.user == nil, parts.password == nil, parts.fragment == nil
        else { return nil }
        let path = parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath
        let query = parts.percentEncodedQuery.map { "?" + $0 } ?? ""
        let bareHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.init(scheme: scheme, host: bareHost, port: parts.port ?? (scheme == "https" ? 443 : 80), pathAndQuery: path + query)
    }

    /// Without the path and query: `https://host[:port]`.
    package var origin: String { scheme + "://" + authority }

    /// The path alone, without the query.
    package var path: String {
        String(pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "/")
    }
}
