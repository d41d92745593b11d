/// `servers.NAME.credentials`: what the gateway presents to an HTTP server as itself. At most
/// one kind per server. The caller's own credentials never travel upstream, except with
/// `passthrough`, and then only a token minted for this server; `delegated` sends a token
/// stored for the caller, never one the caller presented.
public enum ServerCredentialsConfig: Sendable, Equatable {
    /// `bearer_file`: the file's content, trimmed, sent as `Authorization: Bearer …`; read
    /// again when the file changes, so a rotated secret applies without a restart.
    case bearerFile(path: String)
    /// `oauth_client_credentials`: a token from the server's authorization server (RFC 6749
    /// §4.4), cached until shortly before it expires.
    case oauthClientCredentials(OAuthClientCredentialsConfig)
    /// `passthrough`: the caller's own bearer token, forwarded only when its `aud` names
    /// `audience`.
    case passthrough(audience: String)
    /// `delegated`: a token stored for each caller (principal) and this server, sealed with
    /// `sessions.seal_keys` in the store (`switchboard credentials set`, the admin API).
    case delegated
    /// `oauth`: a token from the server's own authorization server through the authorization
    /// code flow (MCP authorization), consented to once by an administrator for the whole
    /// gateway (`switchboard connect NAME`), kept sealed in the store and refreshed.
    case oauth(OAuthAuthorizationConfig)

    /// The config key of this kind, for messages.
    public var key: String {
        switch self {
        case .bearerFile: "bearer_file"
        case .oauthClientCredentials: "oauth_client_credentials"
        case .passthrough: "passthrough"
        case .delegated: "delegated"
        case .oauth: "oauth"
        }
    }

    public var isPassthrough: Bool {
        if case .passthrough = self { return true }
        return false
    }

    public var isOAuth: Bool {
        if case .oauth = self { return true }
        return false
    }

    /// `oauth` with `mode: per_user`: each caller over its own upstream session.
    public var isPerUserOAuth: Bool {
        if case .oauth(let config) = self, config.mode == .perUser { return true }
        return false
    }

    public var isDelegated: Bool {
        if case .delegated = self { return true }
        return false
    }

    /// Whether a request made for a caller carries a token that depends on the caller
    /// (`passthrough`, `delegated`); the gateway's own requests then carry none.
    public var usesCallerToken: Bool {
        isPassthrough || isDelegated
    }
}

/// `servers.NAME.credentials.oauth`. Everything is optional: the server's 401 names its
/// protected-resource metadata, which names the authorization server; a client is registered
/// dynamically unless `client_id` is given.
public struct OAuthAuthorizationConfig: Sendable, Equatable {
    /// Whose token a call carries (`mode`).
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// One token for the whole gateway, authorized once by an administrator.
        case shared
        /// Each caller's own token, over an upstream session of its own; a caller who has not
        /// connected is asked to, through the protocol. The gateway's own token (an
        /// administrator's consent) reads the catalogue.
        case perUser = "per_user"
    }

    public var mode: Mode
    /// Scopes asked for besides those the server's challenge names (`scopes`).
    public var scopes: [String]
    /// A client registered beforehand (`client_id`); nil registers one (RFC 7591).
    public var clientID: String?
    /// `client_secret` or `client_secret_file` of that client; nil for a public client.
    public var clientSecret: SecretSource?
    /// The issuer to use when the server publishes no metadata (`authorization_server`).
    public var authorizationServer: WebURL?
    /// RFC 8707 `resource` (`resource`); nil: what the server's metadata says, else its URL.
    public var resource: String?

    public init(
        mode: Mode = .shared, scopes: [String] = [], clientID: String? = nil, clientSecret: SecretSource? = nil, authorizationServer: WebURL? = nil,
        resource: String? = nil
    ) {
        self.mode = mode
        self.scopes = scopes
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.authorizationServer = authorizationServer
        self.resource = resource
    }
}

/// `servers.NAME.credentials.oauth_client_credentials`.
public struct OAuthClientCredentialsConfig: Sendable, Equatable {
    /// `client_secret_basic` (RFC 6749 §2.3.1, the default) or `client_secret_post`.
    public enum ClientAuthentication: String, Sendable, Equatable, CaseIterable {
        case clientSecretBasic = "client_secret_basic"
        case clientSecretPost = "client_secret_post"
    }

    /// The authorization server's token endpoint (`token_url`).
    public var tokenURL: WebURL
    public var clientID: String
    /// `client_secret` or `client_secret_file`.
    public var clientSecret: SecretSource
    /// Requested scopes (`scopes`), sent space-separated; none sends no `scope`.
    public var scopes: [String]
    /// RFC 8707 `resource` (`resource`); nil means the server's own URL.
    public var resource: String?
    /// The `audience` parameter some providers want instead of, or besides, `resource`.
    public var audience: String?
    /// How the client proves itself to the token endpoint (`auth_method`).
    public var authentication: ClientAuthentication

    public init(
        tokenURL: WebURL,
        clientID: String,
        clientSecret: SecretSource,
        scopes: [String] = [],
        resource: String? = nil,
        audience: String? = nil,
        authentication: ClientAuthentication = .clientSecretBasic
    ) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
        self.resource = resource
        self.audience = audience
        self.authentication = authentication
    }
}

/// A secret written in the config (after `${ENV}` substitution) or kept in a file that is read
/// again when it changes. Printing shows the file's path but never a secret.
public enum SecretSource: Sendable, Equatable, CustomStringConvertible {
    case value(ConfigSecret)
    /// An absolute path (relative ones are resolved against the config file's folder at load).
    case file(path: String)

    public var description: String {
        switch self {
        case .value: "<redacted>"
        case .file(let path): "file \(path)"
        }
    }
}

/// A secret value from the config. Printing, dumping or logging shows `<redacted>`; only the
/// code that sends it reads `value`.
public struct ConfigSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// One `servers.NAME.headers_from_files` entry: a header whose value is a file's content,
/// trimmed, read again when the file changes.
public struct HTTPHeaderFileField: Sendable, Equatable {
    public var name: String
    /// Absolute path.
    public var path: String

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}
