import Logging
import NIOPosix
import SwitchboardCore
import SwitchboardTesting
import Testing

@testable import SwitchboardIdentity

/// How the verifier follows the provider's key set: rotation, outages, rate limits, and what
/// it refuses to fetch. Time is a `ManualClock`; nothing sleeps.
@Suite("JWKS refresh", .timeLimit(.minutes(1)))
struct JWKSRefreshTests {
    @Test func anUnknownKidIsAcceptedOnceTheRotatedKeyIsFetched() async throws {
        let old = try await TestSigningKey.ec(kid: "2024")
        let new = try await TestSigningKey.rsa(kid: "2025")
        try await VerifierFixture.run([old]) { fixture in
            #expect(await fixture.verifier.verify(old.token(fixture.claims())).isSuccess)
            #expect(fixture.server.fetches == 1)

            // The provider signs with a key it has not published yet (or we fetched too early).
            let rotated = new.token(fixture.claims(["jti": "rotated"]))
            #expect(await fixture.verifier.verify(rotated) == .failure(.unknownKey))
            #expect(fixture.server.fetches == 1, "a re-fetch within min_refresh_interval")

            fixture.server.publish([old, new])
            fixture.clock.advance(by: 29)
            #expect(await fixture.verifier.verify(rotated) == .failure(.unknownKey))
            #expect(fixture.server.fetches == 1)

            fixture.clock.advance(by: 1)
            let verified = try await fixture.verifier.verify(rotated).get()
            #expect(verified.keyID == "2025")
            #expect(fixture.server.fetches == 2)
        }
    }

    @Test func forgedKidsCannotMakeTheGatewayHammerTheProvider() async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            for index in 0..<20 {
                let token = key.token(fixture.claims(), header: ["kid": "forged-\(index)"])
                #expect(await fixture.verifier.verify(token) == .failure(.unknownKey))
            }
            #expect(fixture.server.fetches == 1)
        }
    }

    @Test func whenTheProviderIsDownOldKeysStillWork() async throws {
        let key = try await TestSigningKey.ec()
        let unpublished = try await TestSigningKey.rsa(kid: "new")
        try await VerifierFixture.run([key]) { fixture in
            #expect(await fixture.verifier.verify(key.token(fixture.claims())).isSuccess)

            fixture.server.set(.failing(status: 503))
            // Past refresh_interval: the key set is stale, the re-fetch fails, the keys stay.
            fixture.clock.advance(by: 16 * 60)
            #expect(await fixture.verifier.verify(key.token(fixture.claims(["jti": "later"]))).isSuccess)
            #expect(fixture.server.fetches == 2)

            // A key it cannot fetch is an outage, not a forgery.
            fixture.clock.advance(by: 31)
            #expect(await fixture.verifier.verify(unpublished.token(fixture.claims())) == .failure(.jwksUnavailable))
            #expect(fixture.server.fetches == 3)

            fixture.server.set(.serving)
            fixture.server.publish([key, unpublished])
            fixture.clock.advance(by: 31)
            #expect(await fixture.verifier.verify(unpublished.token(fixture.claims(["jti": "back"]))).isSuccess)
        }
    }

    @Test(arguments: [
        JWKSTestServer.Mode.failing(status: 500), .failing(status: 404), .redirecting, .oversized, .dropping,
    ])
    func aProviderThatCannotServeKeysMeansJWKSUnavailable(_ mode: JWKSTestServer.Mode) async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            fixture.server.set(mode)
            let token = key.token(fixture.claims())
            #expect(await fixture.verifier.verify(token) == .failure(.jwksUnavailable))
            // Rate-limited: no second request until min_refresh_interval has passed.
            #expect(await fixture.verifier.verify(token) == .failure(.jwksUnavailable))
            #expect(fixture.server.fetches == 1)
            if case .redirecting = mode {
                #expect(fixture.server.server.requests.map(\.uri) == ["/jwks.json"])
            }
        }
    }

    @Test(arguments: [#"{"issuer":"x"}"#, #"{"keys":[{"kty":"oct","kid":"ec-1","k":"c2VjcmV0"}]}"#, "<html>", #"{"keys":[]}"#])
    func notAKeySetOrNoUsableKeyMeansJWKSUnavailable(_ body: String) async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            fixture.server.set(.body(body))
            #expect(await fixture.verifier.verify(key.token(fixture.claims())) == .failure(.jwksUnavailable))
        }
    }

    @Test func keysTheGatewayMustNotUseAreSkippedNotFatal() async throws {
        let key = try await TestSigningKey.ec()
        let extra = [
            #"{"kty":"oct","kid":"hmac","k":"c2VjcmV0","alg":"HS256"}"#,
            #"{"kty":"RSA","kid":"enc","use":"enc","alg":"RSA-OAEP","n":"AQAB","e":"AQAB"}"#,
            #"{"kty":"RSA","kid":"weak","n":"AQAB","e":"AQAB"}"#,
            #"{"kty":"EC","kid":"k1","crv":"secp256k1","x":"AA","y":"AA"}"#,
            #"{"kty":"XYZ"}"#,
            "42",
        ]
        try await VerifierFixture.run([key], extra: extra) { fixture in
            #expect(await fixture.verifier.verify(key.token(fixture.claims())).isSuccess)
            #expect(await fixture.verifier.verify(key.token(fixture.claims(), header: ["kid": "weak", "alg": "RS256"])) == .failure(.unknownKey))
        }
    }

    @Test func concurrentMissesShareOneFetch() async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            let tokens = (0..<20).map { key.token(fixture.claims(["jti": "t\($0)"])) }
            let verifier = fixture.verifier
            let accepted = await withTaskGroup(of: Bool.self) { group in
                for token in tokens { group.addTask { await verifier.verify(token).isSuccess } }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(accepted == 20)
            #expect(fixture.server.fetches == 1)
        }
    }

    /// TLS to something that does not speak it fails cleanly (no hang, no crash, keys unavailable).
    @Test func httpsToAPlainServerFailsTheHandshake() async throws {
        let key = try await TestSigningKey.ec()
        let server = try await JWKSTestServer.start([key])
        let clock = ManualClock()
        var url = server.url
        url.scheme = "https"
        let config = JWTConfig(issuer: VerifierFixture.issuer, jwksURL: url, audiences: [VerifierFixture.audience])
        let verifier = JWTVerifier(config: config, resource: nil, logger: VerifierFixture.quiet, now: clock.function)
        let token = key.token([
            "iss": VerifierFixture.issuer, "aud": VerifierFixture.audience, "sub": "a", "exp": Int(clock.now) + 60,
        ])
        #expect(await verifier.verify(token) == .failure(.jwksUnavailable))
        #expect(await verifier.source.hasKeys == false)
        try await server.shutdown()
    }

    @Test func refreshAtStartMeansTheFirstTokenWaitsForNothing() async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            #expect(await fixture.verifier.source.refresh())
            #expect(await fixture.verifier.verify(key.token(fixture.claims())).isSuccess)
            #expect(fixture.server.fetches == 1)
        }
    }
}
