/// Why a bearer token was refused. `code` is stable (logs, metrics, audit); `message` is for
/// operators and is also safe to send as the challenge's `error_description`: neither ever
/// holds any part of the token.
package enum TokenRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not three base64url segments of JSON, too long, or a registered claim of the wrong type.
    case malformed
    /// `alg` is `none`, HMAC, not in `auth.jwt.algorithms`, or does not fit the key it names.
    case algorithmNotAllowed
    /// `kid` names no key in the JWKS (after a re-fetch), or is absent while the JWKS has several.
    case unknownKey
    case badSignature
    case expired
    case notYetValid
    case wrongIssuer
    case wrongAudience
    /// A claim the gateway needs (`exp`, `iss`, `aud`, the principal claim) is absent.
    case missingClaim(String)
    /// The JWKS could not be fetched, so the token could not be checked.
    case jwksUnavailable
    /// The token is valid but lacks some of `auth.jwt.required_scopes` (all of them listed).
    case insufficientScope(required: [String])

    package var code: String {
        switch self {
        case .malformed: "malformed"
        case .algorithmNotAllowed: "algorithm_not_allowed"
        case .unknownKey: "unknown_key"
        case .badSignature: "bad_signature"
        case .expired: "expired"
        case .notYetValid: "not_yet_valid"
        case .wrongIssuer: "wrong_issuer"
        case .wrongAudience: "wrong_audience"
        case .missingClaim: "missing_claim"
        case .jwksUnavailable: "jwks_unavailable"
        case .insufficientScope: "insufficient_scope"
        }
    }

    package var message: String {
        switch self {
        case .malformed: "the token is not a well-formed signed JWT"
        case .algorithmNotAllowed: "the token's signature algorithm is not accepted"
        case .unknownKey: "the token's signing key is not in the issuer's key set"
        case .badSignature: "the token's signature is invalid"
        case .expired: "the token has expired"
        case .notYetValid: "the token is not valid yet"
        case .wrongIssuer: "the token was issued by another issuer"
        case .wrongAudience: "the token was issued for another audience"
        case .missingClaim(let claim): "the token has no \(claim) claim"
        case .jwksUnavailable: "the issuer's signing keys could not be fetched"
        case .insufficientScope(let required): "the token lacks a required scope (required: \(required.joined(separator: " ")))"
        }
    }

    /// 403 for a valid token without the scopes (RFC 6750 §3.1), 401 for everything else.
    package var httpStatus: Int {
        if case .insufficientScope = self { return 403 }
        return 401
    }

    /// The `error` of the `WWW-Authenticate: Bearer` challenge.
    package var oauthError: String {
        if case .insufficientScope = self { return "insufficient_scope" }
        return "invalid_token"
    }

    package var description: String { code + ": " + message }
}
