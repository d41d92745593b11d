package import Logging
package import NIOCore
import NIOPosix
package import SwitchboardCore
import Synchronization

/// The identity provider's signing keys, fetched from `jwks_url` and kept by `kid`.
///
/// Fetched on first use, again when older than `refresh_interval` (or by `run()` in the
/// background), and again when a token names an unknown key, at most once per
/// `min_refresh_interval` whatever tokens arrive. A failed fetch keeps the keys already held.
/// Concurrent requests for a fetch share one. An actor: it is entered only on a token-cache
/// miss, never on the per-request path.
package actor JWKSSource {
    package struct Configuration: Sendable {
        package var url: WebURL
        package var refreshInterval: Duration
        package var minRefreshInterval: Duration
        package var timeout: Duration
        package var maxBodyBytes: Int

        package init(
            url: WebURL,
            refreshInterval: Duration = .seconds(900),
            minRefreshInterval: Duration = .seconds(30),
            timeout: Duration = .seconds(5),
            maxBodyBytes: Int = 1 << 20
        ) {
            self.url = url
            self.refreshInterval = refreshInterval
            self.minRefreshInterval = minRefreshInterval
            self.timeout = timeout
            self.maxBodyBytes = maxBodyBytes
        }

        package init(jwt: JWTConfig) {
            self.init(url: jwt.jwksURL, refreshInterval: jwt.refreshInterval, minRefreshInterval: jwt.minRefreshInterval)
        }
    }

    package let configuration: Configuration
    /// Bumped whenever a fetch drops or changes a key, so that cached tokens it signed go too;
    /// read without entering the actor.
    nonisolated let keyRemovals = Atomic<Int>(0)
    private let client: JWKSHTTPClient
    private let logger: Logger
    private let now: @Sendable () -> Double
    private var keySet: JWKSKeySet?
    private var lastSuccess: Double?
    private var lastAttempt: Double?
    private var lastAttemptFailed = false
    private var inFlight: Task<Void, Never>?

    /// `now` is seconds since 1970 (`JWTVerifier.systemTime`); tests pass a clock they move.
    package init(
        configuration: Configuration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "switchboard.identity"),
        now: @escaping @Sendable () -> Double
    ) {
        self.configuration = configuration
        client = JWKSHTTPClient(
            url: configuration.url, group: group, timeout: configuration.timeout.timeAmount, maxBodyBytes: configuration.maxBodyBytes
        )
        self.logger = logger
        self.now = now
    }

    /// Whether a fetch has ever succeeded (for readiness).
    package var hasKeys: Bool { keySet != nil }

    /// Fetches now, whatever the intervals say (at start, so the first token waits for nothing).
    /// False when the fetch failed.
    @discardableResult
    package func refresh() async -> Bool {
        await fetch()
        return !lastAttemptFailed
    }

    /// Fetches every `refresh_interval` until cancelled (run as a service by the lead).
    package func run() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.refreshInterval)
            } catch {
                return
            }
            await fetch()
        }
    }

    /// The key that must have signed a token with this `kid` and `alg`.
    func key(for keyID: String?, algorithm: JWTSigningAlgorithm) async -> Result<JWKSKey, TokenRejection> {
        if inFlight != nil || (isStale(at: now()) && mayFetch(at: now())) { await fetch() }
        guard let keySet else { return .failure(.jwksUnavailable) }
        switch keySet.lookup(keyID: keyID, algorithm: algorithm) {
        case .found(let key): return .success(key)
        case .algorithmMismatch: return .failure(.algorithmNotAllowed)
        case .unknown: break
        }
        // A kid we have not seen may be a key the provider has just rotated in.
        guard keyID != nil, inFlight != nil || mayFetch(at: now()) else { return .failure(unknownKeyRejection) }
        await fetch()
        guard let refreshed = self.keySet else { return .failure(.jwksUnavailable) }
        switch refreshed.lookup(keyID: keyID, algorithm: algorithm) {
        case .found(let key): return .success(key)
        case .algorithmMismatch: return .failure(.algorithmNotAllowed)
        case .unknown: return .failure(unknownKeyRejection)
        }
    }

    /// An unknown key while the provider cannot be reached may be a rotation we cannot see.
    private var unknownKeyRejection: TokenRejection { lastAttemptFailed ? .jwksUnavailable : .unknownKey }

    private func isStale(at time: Double) -> Bool {
        guard let lastSuccess else { return true }
        return time - lastSuccess >= configuration.refreshInterval.seconds
    }

    private func mayFetch(at time: Double) -> Bool {
        guard let lastAttempt else { return true }
        return time - lastAttempt >= configuration.minRefreshInterval.seconds
    }

    /// Joins the fetch under way, if any, else starts one.
    private func fetch() async {
        if let inFlight {
            await inFlight.value
            return
        }
        lastAttempt = now()
        // A task of its own so that every caller arriving meanwhile awaits this one fetch.
        let task = Task { await self.fetchAndApply() }
        inFlight = task
        await task.value
        inFlight = nil
    }

    private func fetchAndApply() async {
        let outcome = await client.fetch().flatMap { bytes -> Result<JWKSKeySet, JWKSFetchError> in
            guard let set = JWKSKeySet.parse(bytes) else { return .failure(.notAJWKS) }
            return set.keys.isEmpty ? .failure(.noUsableKeys) : .success(set)
        }
        switch outcome {
        case .success(let set):
            if let keySet, keySet.losesKeys(in: set) { keyRemovals.add(1, ordering: .releasing) }
            keySet = set
            lastSuccess = now()
            lastAttemptFailed = false
            logger.debug("JWKS fetched", metadata: [
                "switchboard.jwks_url": "\(configuration.url.redacted)",
                "switchboard.keys": "\(set.keys.count)",
                "switchboard.skipped_keys": "\(set.skipped)",
            ])
        case .failure(let error):
            lastAttemptFailed = true
            logger.warning("JWKS fetch failed; keeping the keys already held", metadata: [
                "switchboard.jwks_url": "\(configuration.url.redacted)",
                "switchboard.reason": "\(error)",
                "switchboard.keys": "\(keySet?.keys.count ?? 0)",
            ])
        }
    }
}
