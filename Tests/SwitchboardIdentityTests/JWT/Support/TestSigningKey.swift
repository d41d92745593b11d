import CryptoExtras
import Foundation
import JWTKit
import SwitchboardCore
import Testing

/// A private key that signs test tokens, and its public half as a JWK for the test JWKS.
struct TestSigningKey: Sendable {
    let kid: String
    let alg: String
    /// The public JWK as JSON, as a provider publishes it.
    let jwk: String
    let signer: any JWTAlgorithm
    /// The RSA public key in PEM, for the HS256 key-confusion attack.
    let publicKeyPEM: String?
    let publicKeyDER: [UInt8]?

    /// RSA 2048 is slow to generate; every test shares one.
    private static let rsaPrivate = Result { try _RSA.Signing.PrivateKey(keySize: .bits2048) }
    private static let ecPrivate = ES256PrivateKey()
    private static let otherECPrivate = ES256PrivateKey()

    /// `publishAlg: false` leaves `alg` out of the JWK, as some providers do.
    static func rsa(kid: String = "rsa-1", alg: String = "RS256", publishAlg: Bool = true) async throws -> TestSigningKey {
        let key = try Insecure.RSA.PrivateKey(backing: rsaPrivate.get())
        let collection = JWTKeyCollection()
        let digest: DigestAlgorithm =
            switch alg.suffix(3) {
            case "384": .sha384
            case "512": .sha512
            default: .sha256
            }
        if alg.hasPrefix("PS") {
            await collection.add(pss: key, digestAlgorithm: digest, kid: JWKIdentifier(string: kid))
        } else {
            await collection.add(rsa: key, digestAlgorithm: digest, kid: JWKIdentifier(string: kid))
        }
        let signer = try await collection.getKey(for: JWKIdentifier(string: kid))
        let (modulus, exponent) = try key.publicKey.getKeyPrimitives()
        var fields = [
            #""kty":"RSA""#, #""kid":"\#(kid)""#, #""use":"sig""#,
            #""n":"\#(Base64URL.encode(modulus))""#, #""e":"\#(Base64URL.encode(exponent))""#,
        ]
        if publishAlg { fields.append(#""alg":"\#(alg)""#) }
        return TestSigningKey(
            kid: kid, alg: alg, jwk: "{" + fields.joined(separator: ",") + "}", signer: signer,
            publicKeyPEM: key.publicKey.pemRepresentation, publicKeyDER: Array(key.publicKey.derRepresentation)
        )
    }

    static func ec(kid: String = "ec-1", other: Bool = false) async throws -> TestSigningKey {
        let key = other ? otherECPrivate : ecPrivate
        let collection = JWTKeyCollection()
        await collection.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        let signer = try await collection.getKey(for: JWKIdentifier(string: kid))
        guard let parameters = key.parameters else { throw TestKeyError.noParameters }
        let jwk = #"{"kty":"EC","kid":"\#(kid)","crv":"P-256","x":"\#(parameters.x)","y":"\#(parameters.y)"}"#
        return TestSigningKey(kid: kid, alg: "ES256", jwk: jwk, signer: signer, publicKeyPEM: nil, publicKeyDER: nil)
    }

    enum TestKeyError: Error { case noParameters }

    /// A compact JWS over `claims` with this key; `header` entries replace the defaults. Not
    /// throwing, so that it reads inside `#expect`: a failure to sign is recorded as an issue.
    func token(_ claims: [String: Any], header: [String: Any] = [:]) -> String {
        var fullHeader: [String: Any] = ["alg": alg, "kid": kid, "typ": "JWT"]
        for (name, value) in header { fullHeader[name] = value }
        do {
            let input = try TestTokens.signingInput(header: fullHeader, claims: claims)
            return input + "." + Base64URL.encode(try signer.sign(Array(input.utf8)))
        } catch {
            Issue.record(error, "could not sign a test token")
            return "unsigned"
        }
    }
}

enum TestTokens {
    static func segment(_ object: [String: Any]) throws -> String {
        Base64URL.encode(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func signingInput(header: [String: Any], claims: [String: Any]) throws -> String {
        try segment(header) + "." + segment(claims)
    }

    static func jwks(_ keys: [TestSigningKey], extra: [String] = []) -> String {
        #"{"keys":["# + (keys.map(\.jwk) + extra).joined(separator: ",") + "]}"
    }
}
