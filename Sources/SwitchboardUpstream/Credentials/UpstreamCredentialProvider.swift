package import Logging
package import NIOCore
package import NIOHTTP1
package import SwitchboardCore
import SwitchboardIdentity

/// What one HTTP server is sent on top of its static `headers`: `headers_from_files` and the
/// `Authorization` of its `credentials` (a bearer file, a client-credentials token, the
/// caller's own token under `passthrough`, or the token stored for the caller under
/// `delegated`). Asked synchronously by the transports for every
/// request; the answer is usually ready under a short lock, and a future only while a token
/// is being fetched. The caller's own `Authorization` and `X-API-Key` never reach here: the
/// transports build upstream requests from config alone.
package final class UpstreamCredentialProvider: Sendable {
    enum Credential: Sendable {
        case none
        case bearerFile(CredentialFile)
        case clientCredentials(ClientCredentialsTokenSource)
        case passthrough(audience: String)
        /// The token stored for the caller; the gateway looked it up before the request.
        case delegated
        /// The gateway's token from the authorization code flow (`credentials.oauth`).
        case authorizationCode(OAuthTokenHolder)
    }

    package let serverName: String
    let fileHeaders: [(name: String, file: CredentialFile)]
    let credential: Credential

    init(serverName: String, fileHeaders: [(name: String, file: CredentialFile)], credential: Credential) {
        self.serverName = serverName
        self.fileHeaders = fileHeaders
        self.credential = credential
    }

    /// The provider for `config`, or nil when it has nothing beyond static headers (stdio
    /// servers included: they get their secrets through `stdio.env`). Files are read once
    /// here, off the event loops.
    ///
    /// - Parameters:
    ///   - now: the clock for token lifetimes and file checks; tests move their own.
    ///   - fileCheckInterval: how often a credential file is looked at for a change.
    ///   - tokenTimeout: the whole exchange with the token endpoint.
    package static func make(
        for config: ServerConfig,
        eventLoop: any EventLoop,
        logger: Logger,
        now: @escaping @Sendable () -> NIODeadline = NIODeadline.now,
        fileCheckInterval: TimeAmount = .seconds(1),
        tokenTimeout: TimeAmount = .seconds(10),
        oauthTokens: OAuthTokenHolders? = nil,
        principal: String? = nil
    ) -> UpstreamCredentialProvider? {
        let serverURL: String
        switch config.transport {
        case .stdio: return nil
        case .streamableHTTP(let endpoint), .sse(let endpoint): serverURL = endpoint.description
        case .openAPI(let api): serverURL = api.baseURL.description
        }
        guard !config.headersFromFiles.isEmpty || config.credentials != nil else { return nil }
        let files = config.headersFromFiles.map { field in
            (name: field.name, file: CredentialFile(path: field.path, key: "headers_from_files.\(field.name)", checkInterval: fileCheckInterval, now: now))
        }
        let credential: Credential
        switch config.credentials {
        case nil:
            credential = .none
        case .bearerFile(let path)?:
            credential = .bearerFile(CredentialFile(path: path, key: "credentials.bearer_file", checkInterval: fileCheckInterval, now: now))
        case .passthrough(let audience)?:
            credential = .passthrough(audience: audience)
        case .delegated?:
            credential = .delegated
        case .oauth?:
            credential = .authorizationCode(oauthTokens?.holder(server: config.name, principal: principal) ?? OAuthTokenHolder(server: config.name))
        case .oauthClientCredentials(let oauth)?:
            let secret: TokenEndpointClient.Secret
            switch oauth.clientSecret {
            case .value(let value):
                secret = .value(value.value)
            case .file(let path):
                secret = .file(CredentialFile(
                    path: path, key: "credentials.oauth_client_credentials.client_secret_file", checkInterval: fileCheckInterval, now: now
                ))
            }
            let endpoint = TokenEndpointClient(
                config: oauth,
                resource: oauth.resource ?? serverURL,
                secret: secret,
                http: OneShotHTTPClient(url: oauth.tokenURL, group: eventLoop, timeout: tokenTimeout, maxBodyBytes: 64 * 1024),
                eventLoop: eventLoop
            )
            var tokenLogger = logger
            tokenLogger[metadataKey: "switchboard.server"] = "\(config.name)"
            credential = .clientCredentials(ClientCredentialsTokenSource(endpoint: endpoint, logger: tokenLogger, now: now))
        }
        return UpstreamCredentialProvider(serverName: config.name, fileHeaders: files, credential: credential)
    }

    /// Whether requests made for a caller need a token that depends on the caller
    /// (`passthrough`, `delegated`).
    package var usesCallerToken: Bool {
        switch credential {
        case .passthrough, .delegated: true
        case .none, .bearerFile, .clientCredentials, .authorizationCode: false
        }
    }

    /// Whether a 401 may be answered by renewing the token and sending once more: a
    /// client-credentials token is fetched again, an authorization-code one refreshed (a
    /// delegated token is whatever was stored: sending it again would be refused again).
    package var renewsOnUnauthorized: Bool {
        switch credential {
        case .clientCredentials, .authorizationCode: true
        default: false
        }
    }

    /// The headers for one request. `callerToken` is the caller's bearer token for a request
    /// made on a caller's behalf to a passthrough server; it is checked against the audience
    /// here, before anything is sent, and nil sends no `Authorization` (the gateway's own
    /// requests: handshake, discovery, lists). For a delegated server it is the token stored
    /// for the caller, sent as it is: the gateway minted no audience into it.
    package func authorization(callerToken: String?, on loop: any EventLoop) -> UpstreamAuthorization {
        var headers = HTTPHeaders()
        for (name, file) in fileHeaders {
            switch file.current() {
            case .success(let value): headers.add(name: name, value: value)
            case .failure(let error): return .failed(error)
            }
        }
        switch credential {
        case .none:
            return .ready(headers)
        case .bearerFile(let file):
            switch file.current() {
            case .success(let value):
                headers.add(name: "Authorization", value: "Bearer " + value)
                return .ready(headers)
            case .failure(let error):
                return .failed(error)
            }
        case .passthrough(let audience):
            guard let callerToken else { return .ready(headers) }
            guard CallerTokenAudience.token(callerToken, isFor: audience), BearerHeaderValue.canCarry(callerToken) else { return .failed(.callerTokenNotForServer) }
            headers.add(name: "Authorization", value: "Bearer " + callerToken)
            return .ready(headers)
        case .delegated:
            guard let callerToken else { return .ready(headers) }
            // Checked when stored; checked again because the store is a file anyone may edit.
            guard BearerHeaderValue.canCarry(callerToken) else { return .failed(.unusableDelegatedCredential) }
            headers.add(name: "Authorization", value: "Bearer " + callerToken)
            return .ready(headers)
        case .authorizationCode(let holder):
            switch holder.current(on: loop) {
            case .ready(let header):
                headers.add(name: "Authorization", value: header)
                return .ready(headers)
            case .pending(let future):
                return .pending(Self.bearer(headers, future))
            case .none:
                return .failed(.notConnected(server: serverName))
            }
        case .clientCredentials(let source):
            switch source.token(on: loop) {
            case .ready(let token):
                headers.add(name: "Authorization", value: "Bearer " + token)
                return .ready(headers)
            case .pending(let future):
                return .pending(Self.bearer(headers, future))
            case .failed(let error):
                return .failed(error)
            }
        }
    }

    /// `headers` with the token `future` brings as `Authorization: Bearer`.
    private static func bearer(_ headers: HTTPHeaders, _ future: EventLoopFuture<String>) -> EventLoopFuture<HTTPHeaders> {
        future.map { token in
            var headers = headers
            headers.add(name: "Authorization", value: "Bearer " + token)
            return headers
        }
    }

    /// The server answered 403 `insufficient_scope` to a request sent with `headers`: for an
    /// OAuth server whose token in force is the one sent, a new consent with more scope is
    /// asked for (MCP authorization, step-up). A refusal of a token since replaced is old news.
    package func insufficientScope(_ scopes: [String], sent headers: HTTPHeaders) {
        guard case .authorizationCode(let holder) = credential else { return }
        let sent = headers.first(name: "Authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst("Bearer ".count)) : nil }
        holder.insufficientScope(scopes, sent: sent)
    }

    /// The server answered 401 to a request sent with `headers`: a client-credentials token in
    /// them is dropped, so the next request fetches a new one. Nil (a stream whose headers were
    /// not kept) drops the token held, whichever it is.
    package func unauthorized(sent headers: HTTPHeaders?) {
        if case .authorizationCode(let holder) = credential {
            let sent = headers?.first(name: "Authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst("Bearer ".count)) : nil }
            return holder.rejected(sent)
        }
        guard case .clientCredentials(let source) = credential else { return }
        guard let headers else { return source.rejected(nil) }
        guard let authorization = headers.first(name: "Authorization"), authorization.hasPrefix("Bearer ") else { return }
        source.rejected(String(authorization.dropFirst("Bearer ".count)))
    }
}
