import JWTKit
import SwitchboardCore
import Synchronization

/// One signing key from the JWKS, and the jwt-kit verifiers made from it, one per algorithm it
/// is used with. A key is bound to the algorithms its type allows (and to its own `alg`, when
/// it states one): the token's `alg` header never picks a different kind of verification.
final class JWKSKey: Sendable {
    let keyID: String?
    let jwk: JWK
    /// What changing the key's material changes; keys equal in this are the same key.
    let fingerprint: String
    private let verifiers = Mutex<[JWTSigningAlgorithm: any JWTAlgorithm]>([:])

    init(jwk: JWK) {
        self.jwk = jwk
        keyID = jwk.keyIdentifier?.string
        fingerprint = [
            jwk.keyIdentifier?.string, jwk.keyType.rawValue, jwk.algorithm?.rawValue, jwk.curve?.rawValue,
            jwk.modulus, jwk.exponent, jwk.x, jwk.y,
        ].map { $0 ?? "" }.joined(separator: "|")
    }

    func supports(_ algorithm: JWTSigningAlgorithm) -> Bool {
        if let stated = jwk.algorithm, stated.rawValue != algorithm.rawValue { return false }
        switch (jwk.keyType, algorithm) {
        case (.rsa, .rs256), (.rsa, .rs384), (.rsa, .rs512), (.rsa, .ps256), (.rsa, .ps384), (.rsa, .ps512):
            return true
        case (.ecdsa, .es256): return jwk.curve?.rawValue == "P-256"
        case (.ecdsa, .es384): return jwk.curve?.rawValue == "P-384"
        case (.ecdsa, .es512): return jwk.curve?.rawValue == "P-521"
        case (.octetKeyPair, .edDSA): return jwk.curve?.rawValue == "Ed25519"
        default: return false
        }
    }

    /// The jwt-kit verifier for `algorithm`, made on first use. Each is made in a collection of
    /// its own, with the key's `alg` pinned: in a shared collection, jwt-kit would fix a key
    /// without `alg` to whichever algorithm the first token named, and would fall back to its
    /// default key for an unknown `kid`.
    func verifier(for algorithm: JWTSigningAlgorithm) async throws -> any JWTAlgorithm {
        if let made = verifiers.withLock({ $0[algorithm] }) { return made }
        var pinned = jwk
        pinned.algorithm = JWK.Algorithm(rawValue: algorithm.rawValue)
        pinned.keyIdentifier = JWKIdentifier(string: "key")
        let collection = JWTKeyCollection()
        try await collection.add(jwk: pinned)
        let made = try await collection.getKey(for: JWKIdentifier(string: "key"), alg: algorithm.rawValue)
        guard made.name == algorithm.rawValue else {
            throw JWTError.unsupportedAlgorithm(alg: made.name)
        }
        verifiers.withLock { $0[algorithm] = made }
        return made
    }

    /// RSA keys below 2048 bits are refused (NIST SP 800-131A); the modulus is base64url with
    /// leading zero bytes allowed.
    var isTooWeak: Bool {
        guard jwk.keyType == .rsa else { return false }
        guard let modulus = jwk.modulus, let bytes = Base64URL.decode(modulus) else { return true }
        return bytes.drop(while: { $0 == 0 }).count * 8 < 2048
    }
}
