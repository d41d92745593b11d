import Foundation
import JWTKit
package import Logging
package import NIOCore
import NIOPosix
package import SwitchboardCore
import Synchronization

/// Checks JWT bearer tokens against the provider's JWKS, for the data plane.
///
/// Two entry points: `cached(_:now:)`, synchronous and cheap (a SHA-256 and a dictionary
/// lookup under a lock), for every request on the event loop; and `verify(_:)`, the full check
/// on a cache miss, which may wait for the JWKS. A verified token stays cached until it
/// expires (plus the clock skew), for at most one JWKS refresh interval, and not after a key
/// leaves the JWKS. Only fully valid tokens are cached.
package final class JWTVerifier: Sendable {
    package let source: JWKSSource
    private let rules: TokenRules
    private let algorithms: Set<JWTSigningAlgorithm>
    private let cacheLifetime: Double
    private let now: @Sendable () -> Double
    private let cache: Mutex<TokenCache>

    package static let defaultCacheCapacity = 10_000

    /// Seconds since 1970 by the system clock.
    package static let systemTime: @Sendable () -> Double = { Date().timeIntervalSince1970 }

    /// `resource` is `auth.resource`: the audience when `config.audiences` is empty.
    package init(
        config: JWTConfig,
        resource: String?,
        source: JWKSSource,
        cacheCapacity: Int = JWTVerifier.defaultCacheCapacity,
        now: @escaping @Sendable () -> Double = JWTVerifier.systemTime
    ) {
        self.source = source
        rules = TokenRules(config: config, resource: resource)
        algorithms = Set(config.algorithms)
        cacheLifetime = config.refreshInterval.seconds
        self.now = now
        cache = Mutex(TokenCache(capacity: cacheCapacity, generation: source.keyRemovals.load(ordering: .acquiring)))
    }

    /// With a key source of its own for `config.jwksURL`.
    package convenience init(
        config: JWTConfig,
        resource: String?,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "switchboard.identity"),
        now: @escaping @Sendable () -> Double = JWTVerifier.systemTime
    ) {
        let source = JWKSSource(configuration: .init(jwt: config), group: group, logger: logger, now: now)
        self.init(config: config, resource: resource, source: source, now: now)
    }

    /// The token's verification if it passed `verify` recently and is still valid at `now`;
    /// nil means "call `verify`".
    package func cached(_ token: Substring, now: Double) -> VerifiedToken? {
        let key = TokenCache.Key(token)
        let generation = source.keyRemovals.load(ordering: .acquiring)
        return cache.withLock { $0.lookup(key, now: now, generation: generation) }
    }

    package func cached(_ token: Substring) -> VerifiedToken? {
        cached(token, now: now())
    }

    /// Every check: form, algorithm, key, signature, issuer, audience, times, principal claim,
    /// required scopes. Fills the cache when the token passes.
    package func verify(_ token: String) async -> Result<VerifiedToken, TokenRejection> {
        let generation = source.keyRemovals.load(ordering: .acquiring)
        let jwt: CompactJWT
        do throws(TokenRejection) {
            jwt = try CompactJWT(token)
        } catch {
            return .failure(error)
        }
        // HS* and none are not JWTSigningAlgorithm cases at all, so they end here.
        guard let algorithm = JWTSigningAlgorithm(rawValue: jwt.algorithm), algorithms.contains(algorithm) else {
            return .failure(.algorithmNotAllowed)
        }
        let key: JWKSKey
        switch await source.key(for: jwt.keyID, algorithm: algorithm) {
        case .success(let found): key = found
        case .failure(let rejection): return .failure(rejection)
        }
        guard let verifier = try? await key.verifier(for: algorithm) else { return .failure(.unknownKey) }
        guard (try? verifier.verify(jwt.signature, signs: jwt.signingInput)) == true else { return .failure(.badSignature) }

        let payload: [String: ClaimValue]
        do throws(TokenRejection) {
            payload = try jwt.claims()
        } catch {
            return .failure(error)
        }
        let time = now()
        let result = rules.check(payload, now: time, keyID: key.keyID, algorithm: algorithm.rawValue)
        if case .success(let verified) = result {
            let entry = TokenCache.Entry(
                token: verified, validUntil: min(verified.expiresAt + rules.clockSkew, time + cacheLifetime)
            )
            let cacheKey = TokenCache.Key(Substring(token))
            cache.withLock { $0.insert(cacheKey, entry, now: time, generation: generation) }
        }
        return result
    }

    /// Tokens in the cache now (for tests and metrics).
    package var cachedCount: Int { cache.withLock { $0.count } }
}
