import SwitchboardCore
import SwitchboardPolicy
import Testing

@testable import SwitchboardIdentity

/// The synchronous path the data plane takes on every request.
@Suite("Token cache", .timeLimit(.minutes(1)))
struct TokenCacheTests {
    @Test func aVerifiedTokenIsServedFromTheCacheUntilItExpires() async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            let token = key.token(fixture.claims(["exp": Int(fixture.clock.now) + 120, "roles": ["dev"]]))
            #expect(fixture.verifier.cached(Substring(token)) == nil)
            let verified = try await fixture.verifier.verify(token).get()

            let hit = try #require(fixture.verifier.cached(Substring(token)))
            #expect(hit == verified)
            #expect(hit.principal.roles == ["dev"])
            // A slice of a longer header value is the same token.
            let header = "Bearer " + token
            #expect(fixture.verifier.cached(header.dropFirst(7)) == verified)

            // exp + clock skew (60 s) is the last moment.
            let expiry = verified.expiresAt + 60
            #expect(fixture.verifier.cached(Substring(token), now: expiry - 1) == verified)
            #expect(fixture.verifier.cached(Substring(token), now: expiry) == nil)
            #expect(fixture.verifier.cachedCount == 0)
            #expect(fixture.server.fetches == 1)
        }
    }

    @Test func entriesLiveAtMostOneRefreshInterval() async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            let token = key.token(fixture.claims(["exp": Int(fixture.clock.now) + 86_400]))
            _ = try await fixture.verifier.verify(token).get()
            #expect(fixture.verifier.cached(Substring(token), now: fixture.clock.now + 899) != nil)
            #expect(fixture.verifier.cached(Substring(token), now: fixture.clock.now + 900) == nil)
        }
    }

    @Test func refusedAndForeignTokensAreNeverCached() async throws {
        let key = try await TestSigningKey.ec()
        try await VerifierFixture.run([key]) { fixture in
            let expired = key.token(fixture.claims(["exp": Int(fixture.clock.now) - 600]))
            _ = await fixture.verifier.verify(expired)
            #expect(fixture.verifier.cached(Substring(expired)) == nil)

            let good = key.token(fixture.claims())
            _ = try await fixture.verifier.verify(good).get()
            let tampered = good.dropLast(2) + "AA"
            #expect(fixture.verifier.cached(tampered) == nil)
            #expect(fixture.verifier.cachedCount == 1)
        }
    }

    /// A key withdrawn from the JWKS stops working at once, cached tokens included.
    @Test func aKeyLeavingTheSetEmptiesTheCache() async throws {
        let old = try await TestSigningKey.ec(kid: "old")
        let new = try await TestSigningKey.rsa(kid: "new")
        try await VerifierFixture.run([old]) { fixture in
            let token = old.token(fixture.claims())
            _ = try await fixture.verifier.verify(token).get()
            #expect(fixture.verifier.cached(Substring(token)) != nil)

            fixture.server.publish([new])
            fixture.clock.advance(by: 30)
            #expect(await fixture.verifier.verify(new.token(fixture.claims())).isSuccess)
            #expect(fixture.verifier.cached(Substring(token)) == nil)
            #expect(await fixture.verifier.verify(token) == .failure(.unknownKey))
        }
    }

    @Test func theCacheIsBoundedAndEvictsTheOldest() {
        var cache = TokenCache(capacity: 3)
        let token = VerifiedToken(
            principal: Principal(kind: .jwt, name: "a"), issuer: "i", audiences: ["a"], subject: "a",
            tokenID: nil, keyID: nil, algorithm: "ES256", expiresAt: 1_000
        )
        let keys = (0..<5).map { TokenCache.Key(Substring("token-\($0)")) }
        for key in keys { cache.insert(key, .init(token: token, validUntil: 1_000), now: 0, generation: 0) }
        #expect(cache.count == 3)
        #expect(cache.lookup(keys[0], now: 1, generation: 0) == nil)
        #expect(cache.lookup(keys[1], now: 1, generation: 0) == nil)
        #expect(cache.lookup(keys[4], now: 1, generation: 0) == token)
        // Thousands of inserts keep the bookkeeping bounded too.
        for index in 0..<10_000 {
            cache.insert(TokenCache.Key(Substring("more-\(index)")), .init(token: token, validUntil: 1_000), now: 0, generation: 0)
        }
        #expect(cache.count == 3)
        // Entries verified under an older key set are not taken in.
        cache.insert(keys[0], .init(token: token, validUntil: 1_000), now: 0, generation: 1)
        #expect(cache.count == 1)
        cache.insert(keys[1], .init(token: token, validUntil: 1_000), now: 0, generation: 0)
        #expect(cache.lookup(keys[1], now: 1, generation: 1) == nil)
    }
}
