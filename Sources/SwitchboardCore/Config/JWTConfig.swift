/// `auth.jwt`: bearer tokens issued by one OIDC provider and checked against its JWKS.
public struct JWTConfig: Sendable, Equatable {
    /// Compared exactly with the token's `iss` (`issuer`).
    public var issuer: String
    /// Where the provider publishes its signing keys (`jwks_url`).
    public var jwksURL: WebURL
    /// As written (`audiences`); empty means `auth.resource`, which the loader then requires.
    public var audiences: [String]
    /// Signature algorithms accepted (`algorithms`); never `none` or an HMAC algorithm.
    public var algorithms: [JWTSigningAlgorithm]
    /// Leeway for `exp`, `nbf` and `iat` (`clock_skew`), at most five minutes.
    public var clockSkew: Duration
    /// The JWKS is fetched again this often (`refresh_interval`).
    public var refreshInterval: Duration
    /// A token naming an unknown key triggers a fetch at most this often (`min_refresh_interval`).
    public var minRefreshInterval: Duration
    /// Which claims become the principal (`claims`).
    public var claims: JWTClaimMapping
    /// A valid token lacking any of these scopes gets 403 insufficient_scope (`required_scopes`).
    public var requiredScopes: [String]

    public static let maxClockSkew: Duration = .seconds(300)

    public init(
        issuer: String,
        jwksURL: WebURL,
        audiences: [String] = [],
        algorithms: [JWTSigningAlgorithm] = JWTSigningAlgorithm.defaultAllowed,
        clockSkew: Duration = .seconds(60),
        refreshInterval: Duration = .seconds(15 * 60),
        minRefreshInterval: Duration = .seconds(30),
        claims: JWTClaimMapping = .init(),
        requiredScopes: [String] = []
    ) {
        self.issuer = issuer
        self.jwksURL = jwksURL
        self.audiences = audiences
        self.algorithms = algorithms
        self.clockSkew = clockSkew
        self.refreshInterval = refreshInterval
        self.minRefreshInterval = minRefreshInterval
        self.claims = claims
        self.requiredScopes = requiredScopes
    }
}
