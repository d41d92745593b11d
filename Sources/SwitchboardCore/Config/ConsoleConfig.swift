/// The web console at `/console` (`console`).
public struct ConsoleConfig: Sendable, Equatable {
    /// `console.enabled`: serve the console's page (off: 404; the admin API stays).
    public var enabled: Bool
    /// `console.oidc`: sign-in through the OpenID Connect provider besides admin API keys.
    public var oidc: OIDC?

    public init(enabled: Bool = true, oidc: OIDC? = nil) {
        self.enabled = enabled
        self.oidc = oidc
    }

    /// The console as an OAuth client (authorization code with PKCE) of the provider whose
    /// tokens `auth.jwt` accepts: the token it gets is checked like any caller's bearer token,
    /// so the admin roles come from the provider's claims (`auth.jwt.claims.roles`).
    public struct OIDC: Sendable, Equatable {
        /// `issuer`: where the provider's metadata is found (default: `auth.jwt.issuer`).
        public var issuer: String
        /// `client_id`: the console's registration at the provider, with redirect URI
        /// `{public_url}/console/oidc/callback`.
        public var clientID: String
        /// `client_secret`, for a confidential client; nil: a public client (PKCE only).
        public var clientSecret: ConfigSecret?
        /// `scopes` asked for.
        public var scopes: [String]
        /// `name`: the button reads "Sign in with NAME".
        public var name: String

        public init(issuer: String, clientID: String, clientSecret: ConfigSecret? = nil, scopes: [String] = ["openid"], name: String = "single sign-on") {
            self.issuer = issuer
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.scopes = scopes
            self.name = name
        }
    }
}
