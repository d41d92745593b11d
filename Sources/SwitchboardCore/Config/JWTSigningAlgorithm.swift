/// The JWS algorithms a token may be signed with. Only asymmetric ones exist here: keys come
/// from the provider's JWKS, and an HMAC "key" there would be a secret published to everyone
/// (and the classic RS256/HS256 confusion). `none` is not a case either.
public enum JWTSigningAlgorithm: String, Sendable, Hashable, CaseIterable {
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"
    case ps256 = "PS256"
    case ps384 = "PS384"
    case ps512 = "PS512"
    case es256 = "ES256"
    case es384 = "ES384"
    case es512 = "ES512"
    case edDSA = "EdDSA"

    /// `auth.jwt.algorithms` when not set.
    public static let defaultAllowed: [JWTSigningAlgorithm] = [
        .rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .es256, .es384, .edDSA,
    ]
}
