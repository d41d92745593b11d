package import SwitchboardCore

/// The `WWW-Authenticate: Bearer …` value of a 401 or 403 (RFC 6750 §3, RFC 9728 §5.1):
/// where the metadata is, which scopes to ask for, and, when a token was refused, why.
package struct BearerChallenge: Sendable, Equatable {
    package var resourceMetadata: String
    /// For a 403, every scope required (clients ask for them all in one step-up).
    package var scopes: [String]
    /// `invalid_token` or `insufficient_scope`; nil when no token was presented (RFC 6750 §3.1).
    package var error: String?
    package var errorDescription: String?

    package init(resourceMetadata: String, scopes: [String] = [], error: String? = nil, errorDescription: String? = nil) {
        self.resourceMetadata = resourceMetadata
        self.scopes = scopes
        self.error = error
        self.errorDescription = errorDescription
    }

    /// No credentials: a 401 that only points at the metadata.
    package static func missingToken(metadataURL: String, scopes: [String]) -> BearerChallenge {
        BearerChallenge(resourceMetadata: metadataURL, scopes: scopes)
    }

    /// A refused token: 401 `invalid_token`, or 403 `insufficient_scope` listing the required scopes.
    package static func refused(_ rejection: TokenRejection, metadataURL: String, scopes: [String]) -> BearerChallenge {
        var challenge = BearerChallenge(
            resourceMetadata: metadataURL, scopes: scopes, error: rejection.oauthError, errorDescription: rejection.message
        )
        if case .insufficientScope(let required) = rejection { challenge.scopes = required }
        return challenge
    }

    /// The scopes a client should request: `required_scopes`, else `scopes_supported`.
    package static func scopes(for config: AuthConfig) -> [String] {
        if let required = config.jwt?.requiredScopes, !required.isEmpty { return required }
        return config.scopesSupported
    }

    package var headerValue: String {
        var parameters = ["resource_metadata=" + Self.quoted(resourceMetadata)]
        if !scopes.isEmpty { parameters.append("scope=" + Self.quoted(scopes.joined(separator: " "))) }
        if let error { parameters.append("error=" + Self.quoted(error)) }
        if let errorDescription { parameters.append("error_description=" + Self.quoted(errorDescription)) }
        return "Bearer " + parameters.joined(separator: ", ")
    }

    /// An RFC 9110 quoted-string: `"` and `\` escaped; control and non-ASCII characters, which a
    /// header value must not carry, become `?`.
    static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"", "\\":
                result += "\\"
                result.unicodeScalars.append(scalar)
            case " "..."~":
                result.unicodeScalars.append(scalar)
            default:
                result += "?"
            }
        }
        return result + "\""
    }
}
