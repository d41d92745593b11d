import Crypto
import Foundation
import JWTKit
import SwitchboardCore
import SwitchboardPolicy
import Testing

@testable import SwitchboardIdentity

/// Real tokens, signed by keys made in the test, checked against a JWKS served on loopback.
@Suite("JWTVerifier", .timeLimit(.minutes(1)))
struct JWTVerifierTests {
    @Test func anRSATokenBecomesAPrincipalWithItsClaims() async throws {
        let key = try await TestSigningKey.rsa()
        try await VerifierFixture.run([key]) { fixture in
            let token = key.token(fixture.claims(["roles": ["admin", "dev"], "tenant": "acme", "scope": "mcp tools:read"]))
            let verified = try await fixture.verifier.verify(token).get()

            #expect(verified.principal == Principal(kind: .jwt, name: "alice@example.com", roles: ["admin", "dev"], tenant: "acme", scopes: ["mcp", "tools:read"]))
            #expect(verified.issuer == VerifierFixture.issuer)
            #expect(verified.audiences == [VerifierFixture.audience])
            #expect(verified.subject == "alice@example.com")
            #expect(verified.tokenID == "token-1")
            #expect(verified.keyID == "rsa-1")
            #expect(verified.algorithm == "RS256")
            #expect(verified.expiresAt == fixture.clock.now + 600)
        }
    }

    @Test func anECTokenWithMappedClaimsAtDottedPaths() async throws {
        let key = try await TestSigningKey.ec()
        let mapping = JWTClaimMapping(principal: "preferred_username", roles: "realm_access.roles", tenant: "org.id", scopes: "scope")
        try await VerifierFixture.run([key], configure: { $0.claims = mapping }) { fixture in
            let token = key.token(fixture.claims([
                "preferred_username": "alice", "realm_access": ["roles": ["ops"]], "org": ["id": "acme"], "scp": ["mcp", "admin"],
            ]))
            let principal = try await fixture.verifier.verify(token).get().principal
            #expect(principal == Principal(kind: .jwt, name: "alice", roles: ["ops"], tenant: "acme", scopes: ["mcp", "admin"]))
        }
    }

    @Test func spaceSeparatedRolesAndAnAudienceList() async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            let token = key.token(fixture.claims(["roles": "reader writer", "aud": ["other-api", VerifierFixture.audience]]))
            let verified = try await fixture.verifier.verify(token).get()
            #expect(verified.principal.roles == ["reader", "writer"])
            #expect(verified.audiences == ["other-api", VerifierFixture.audience])
        }
    }

    /// Each row: claims changed from a valid token, and the rejection (60 s skew).
    @Test(arguments: [
        (["exp": -61], TokenRejection.expired),
        (["exp": -30], nil),
        (["nbf": 61], .notYetValid),
        (["nbf": 30], nil),
        (["iat": 120], .notYetValid),
        (["iss": "https://evil.example.com/"], .wrongIssuer),
        (["iss": "https://idp.example.com"], .wrongIssuer),
        (["aud": "https://other.example.com/mcp"], .wrongAudience),
        (["aud": ["a", "b"]], .wrongAudience),
        (["aud": 5], .malformed),
        (["exp": "tomorrow"], .malformed),
        (["sub": 42], .missingClaim("sub")),
    ] as [([String: any Sendable], TokenRejection?)])
    func claimChecks(_ change: [String: any Sendable], _ expected: TokenRejection?) async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            var overrides: [String: Any] = [:]
            for (name, value) in change {
                // Times are offsets from now.
                if ["exp", "nbf", "iat"].contains(name), let offset = value as? Int {
                    overrides[name] = Int(fixture.clock.now) + offset
                } else {
                    overrides[name] = value
                }
            }
            let result = await fixture.verifier.verify(key.token(fixture.claims(overrides)))
            switch (result, expected) {
            case (.success, nil): break
            case (.failure(let rejection), let expected?): #expect(rejection == expected)
            default: Issue.record("expected \(String(describing: expected)), got \(result)")
            }
        }
    }

    @Test func missingRegisteredClaimsAreNamed() async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            for claim in ["iss", "aud", "exp", "sub"] {
                var claims = fixture.claims()
                claims[claim] = nil
                let result = await fixture.verifier.verify(key.token(claims))
                #expect(result == .failure(.missingClaim(claim)))
            }
        }
    }

    @Test func unsignedTokensAreRefused() async throws {
        let key = try await TestSigningKey.rsa()
        try await VerifierFixture.run([key]) { fixture in
            for alg in ["none", "None", "NONE"] {
                let input = try TestTokens.signingInput(header: ["alg": alg, "typ": "JWT"], claims: fixture.claims())
                #expect(await fixture.verifier.verify(input + ".") == .failure(.algorithmNotAllowed))
                let withKid = try TestTokens.signingInput(header: ["alg": alg, "kid": key.kid], claims: fixture.claims())
                #expect(await fixture.verifier.verify(withKid + "." + Base64URL.encode(Array("x".utf8))) == .failure(.algorithmNotAllowed))
            }
            #expect(await fixture.verifier.verify(key.token(fixture.claims())).isSuccess)
        }
    }

    /// The classic confusion: the RSA public key (which everyone has) used as an HMAC secret.
    @Test func hmacSignedWithThePublicKeyIsRefused() async throws {
        let key = try await TestSigningKey.rsa()
        try await VerifierFixture.run([key]) { fixture in
            let secrets = [Array(try #require(key.publicKeyPEM).utf8), try #require(key.publicKeyDER)]
            for secret in secrets {
                for alg in ["HS256", "HS384", "HS512"] {
                    let input = try TestTokens.signingInput(header: ["alg": alg, "kid": key.kid, "typ": "JWT"], claims: fixture.claims())
                    let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: secret))
                    let forged = input + "." + Base64URL.encode(Array(mac))
                    #expect(await fixture.verifier.verify(forged) == .failure(.algorithmNotAllowed))
                }
            }
        }
    }

    @Test func algorithmsOutsideTheAllowListOrUnfitForTheKeyAreRefused() async throws {
        let rsa = try await TestSigningKey.rsa(publishAlg: false)
        let ec = try await TestSigningKey.ec()
        try await VerifierFixture.run([rsa, ec], configure: { $0.algorithms = [.es256, .ps256] }) { fixture in
            // RS256 is a fine algorithm, but not allowed here.
            #expect(await fixture.verifier.verify(rsa.token(fixture.claims())) == .failure(.algorithmNotAllowed))
            // ES256 is allowed, but names the RSA key.
            let confused = ec.token(fixture.claims(), header: ["kid": rsa.kid])
            #expect(await fixture.verifier.verify(confused) == .failure(.algorithmNotAllowed))
            #expect(await fixture.verifier.verify(ec.token(fixture.claims())).isSuccess)
        }
    }

    /// A JWK without `alg` serves each algorithm its type allows; the first token's algorithm
    /// does not pin the key (a jwt-kit collection would).
    @Test func aKeyWithoutAlgServesPSSAndPKCS1Alike() async throws {
        let pss = try await TestSigningKey.rsa(alg: "PS256", publishAlg: false)
        let pkcs1 = try await TestSigningKey.rsa(alg: "RS256", publishAlg: false)
        try await VerifierFixture.run([pss]) { fixture in
            #expect(await fixture.verifier.verify(pss.token(fixture.claims())).isSuccess)
            #expect(await fixture.verifier.verify(pkcs1.token(fixture.claims(["jti": "2"]))).isSuccess)
            #expect(await fixture.verifier.verify(pss.token(fixture.claims(["jti": "3"]))).isSuccess)
        }
    }

    @Test func aTamperedPayloadFailsTheSignature() async throws {
        let key = try await TestSigningKey.rsa()
        try await VerifierFixture.run([key]) { fixture in
            let parts = key.token(fixture.claims()).split(separator: ".").map(String.init)
            let forgedPayload = try TestTokens.segment(fixture.claims(["sub": "root"]))
            #expect(await fixture.verifier.verify(parts[0] + "." + forgedPayload + "." + parts[2]) == .failure(.badSignature))
        }
        // Signed by another key under the same kid.
        let impostor = try await TestSigningKey.ec(kid: "ec-1", other: true)
        let real = try await TestSigningKey.ec()
        try await VerifierFixture.run([real]) { fixture in
            #expect(await fixture.verifier.verify(impostor.token(fixture.claims())) == .failure(.badSignature))
        }
    }

    @Test(arguments: ["", "abc", "a.b", "a.b.c.d", "!!.e30.", "e30.e30.sig", String(repeating: "a", count: 20_000)])
    func malformedTokens(_ token: String) async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            #expect(await fixture.verifier.verify(token) == .failure(.malformed))
        }
    }

    @Test func aCritHeaderIsRefused() async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            let token = key.token(fixture.claims(), header: ["crit": ["exp"]])
            #expect(await fixture.verifier.verify(token) == .failure(.malformed))
        }
    }

    @Test func requiredScopesAreAllNeeded() async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key], configure: { $0.requiredScopes = ["mcp", "tools"] }) { fixture in
            let partial = key.token(fixture.claims(["scope": "mcp"]))
            let result = await fixture.verifier.verify(partial)
            #expect(result == .failure(.insufficientScope(required: ["mcp", "tools"])))
            let rejection = try #require(result.failure)
            #expect(rejection.httpStatus == 403)
            #expect(rejection.oauthError == "insufficient_scope")
            #expect(fixture.verifier.cached(Substring(partial)) == nil)
            #expect(await fixture.verifier.verify(key.token(fixture.claims(["scope": "tools mcp extra"]))).isSuccess)
        }
    }

    @Test func aKidIsRequiredOnlyWhenTheSetHasSeveralKeys() async throws {
        let ec = try await TestSigningKey.ec()
        try await VerifierFixture.run([ec]) { single in
            let noKid = try TestTokens.signingInput(header: ["alg": "ES256"], claims: single.claims())
            let token = noKid + "." + Base64URL.encode(try ec.signer.sign(Array(noKid.utf8)))
            #expect(await single.verifier.verify(token).isSuccess)
        }
        let rsa = try await TestSigningKey.rsa()
        try await VerifierFixture.run([ec, rsa]) { several in
            let input = try TestTokens.signingInput(header: ["alg": "ES256"], claims: several.claims())
            let ambiguous = input + "." + Base64URL.encode(try ec.signer.sign(Array(input.utf8)))
            #expect(await several.verifier.verify(ambiguous) == .failure(.unknownKey))
        }
    }

    @Test func rejectionsNeverCarryTheToken() async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            let token = key.token(fixture.claims(["exp": Int(fixture.clock.now) - 3600]))
            let rejection = try #require(await fixture.verifier.verify(token).failure)
            for part in token.split(separator: ".") {
                #expect(!rejection.description.contains(part))
                #expect(!rejection.message.contains(part))
            }
        }
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }

    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
