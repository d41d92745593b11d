import Foundation
import NIOCore
import NIOHTTP1
package import SwitchboardCore
package import SwitchboardIdentity
package import SwitchboardPolicy

/// The outcome of authenticating one HTTP request.
enum Authentication {
    case caller(RequestCaller)
    case refused(AuthRefusal)
    /// A bearer token this process has not verified yet: checked off the event loop (its keys
    /// may need fetching); the future fails with an `AuthRefusal`.
    case pending(EventLoopFuture<RequestCaller>)
}

/// How callers prove who they are (`auth`): API keys from the in-memory directory, JWTs through
/// the verifier's cache, the anonymous principal where configured. With no `auth` section at
/// all the gateway is open, which the runtime allows only on a loopback listener.
package struct CallerAuthentication: Sendable {
    let auth: AuthConfig?
    package let keys: KeyDirectory?
    let tokens: JWTVerifier?
    /// The principal of a request without credentials; nil when credentials are required.
    let anonymous: Principal?
    let metadata: ProtectedResourceMetadata
    /// Scopes named in challenges: `jwt.required_scopes`, else `scopes_supported`.
    let challengeScopes: [String]
    /// The listener speaks HTTPS (`tls`): metadata URLs built from Host say https.
    let isTLS: Bool
    /// The listener is reachable from this machine only.
    let listensOnLoopback: Bool

    package init(auth: AuthConfig?, listen: ListenAddress, isTLS: Bool = false, keys: KeyDirectory?, tokens: JWTVerifier?) {
        self.listensOnLoopback = listen.isLoopback
        self.auth = auth
        self.isTLS = isTLS
        self.keys = keys
        self.tokens = tokens
        if let auth {
            anonymous = auth.anonymous ? Principal.anonymous(roles: Set(auth.anonymousRoles), tenant: auth.anonymousTenant) : nil
            metadata = ProtectedResourceMetadata(config: auth)
            challengeScopes = BearerChallenge.scopes(for: auth)
        } else {
            anonymous = Principal.anonymous()
            metadata = ProtectedResourceMetadata(resource: nil, authorizationServers: [], scopesSupported: [])
            challengeScopes = []
        }
    }

    /// Whether the gateway serves RFC 9728 metadata: only when it checks credentials at all.
    var isOAuthResourceServer: Bool { auth != nil }

    /// `certificate` is the connection's verified client certificate (mutual TLS): used when the
    /// request carries no credential of its own, which wins when present. `remembered` is the
    /// connection's memory of its last API key (see `RememberedKey`): read, and set after a
    /// successful lookup.
    func authenticate(
        _ head: HTTPRequestHead, virtualServer: String?, certificate: Principal? = nil, remembered: inout RememberedKey?, on loop: any EventLoop
    ) -> Authentication {
        guard let auth else { return admit(certificate ?? anonymous!, virtualServer: virtualServer, head: head) }
        let authorization = head.headers.first(name: "Authorization")
        if let keys, let principal = remembered?.principal(authorization: authorization, apiKey: head.headers.first(name: "X-API-Key"), keys: keys, now: Date()) {
            return admit(principal, virtualServer: virtualServer, head: head)
        }
        switch CallerCredential(authorization: authorization, apiKey: head.headers.first(name: "X-API-Key")) {
        case .none:
            if let certificate { return admit(certificate, virtualServer: virtualServer, head: head) }
            guard let anonymous else {
                return .refused(refusal(head, virtualServer, status: .unauthorized, error: nil, "Unauthorized: credentials required", reason: "missing"))
            }
            return admit(anonymous, virtualServer: virtualServer, head: head)
        case .unsupported:
            return .refused(refusal(head, virtualServer, status: .unauthorized, error: "invalid_request", "Unauthorized: use Authorization: Bearer or X-API-Key", reason: "unsupported_scheme"))
        case .apiKey(let text):
            guard auth.apiKeys, let keys else {
                return .refused(refusal(head, virtualServer, status: .unauthorized, error: "invalid_token", "Unauthorized: API keys are not accepted here", reason: "keys_disabled"))
            }
            let generation = keys.generation
            switch keys.authenticate(text) {
            case .valid(let record):
                remembered = RememberedKey(
                    header: authorization ?? String(text), fromAuthorization: authorization != nil, principal: record.principal,
                    keyID: record.id, expiresAt: record.expiresAt, generation: generation, reportedSecond: .min
                )
                return admit(record.principal, virtualServer: virtualServer, head: head)
            case .unknown:
                return .refused(refusal(head, virtualServer, status: .unauthorized, error: "invalid_token", "Unauthorized: unknown API key", reason: "unknown_key"))
            case .revoked:
                return .refused(refusal(head, virtualServer, status: .unauthorized, error: "invalid_token", "Unauthorized: the API key was revoked", reason: "revoked_key"))
            case .expired:
                return .refused(refusal(head, virtualServer, status: .unauthorized, error: "invalid_token", "Unauthorized: the API key has expired", reason: "expired_key"))
            }
        case .bearer(let token):
            guard let tokens else {
                return .refused(refusal(head, virtualServer, status: .unauthorized, error: "invalid_token", "Unauthorized: bearer tokens are not accepted here", reason: "jwt_disabled"))
            }
            let text = String(token)
            if let verified = tokens.cached(token) { return admit(verified.principal, virtualServer: virtualServer, head: head, bearerToken: text) }
            let promise = loop.makePromise(of: RequestCaller.self)
            // jwt-kit verifies behind an actor and may fetch the issuer's keys: only a token this
            // process has not seen (or whose cached check ran out) pays for the hop off the loop.
            Task {
                switch await tokens.verify(text) {
                case .success(let verified):
                    switch admit(verified.principal, virtualServer: virtualServer, head: head, bearerToken: text) {
                    case .caller(let caller): promise.succeed(caller)
                    case .refused(let refusal): promise.fail(refusal)
                    case .pending: promise.fail(AuthRefusal.unavailable)
                    }
                case .failure(let rejection):
                    let status: HTTPResponseStatus = rejection.httpStatus == 403 ? .forbidden : .unauthorized
                    let challenge = BearerChallenge.refused(rejection, metadataURL: metadataURL(head, virtualServer), scopes: challengeScopes)
                    Self.count(rejection.code)
                    promise.fail(AuthRefusal(status: status, challenge: challenge.headerValue, message: "Unauthorized: " + rejection.message, reason: rejection.code))
                }
            }
            return .pending(promise.futureResult)
        }
    }

    /// A known caller still needs the right to the endpoint: keys and tokens may be limited to
    /// some virtual servers, and such a caller does not get `/mcp` itself.
    /// `bearerToken`: the verified JWT of a token caller, for servers set up for passthrough.
    private func admit(_ principal: Principal, virtualServer: String?, head: HTTPRequestHead, bearerToken: String? = nil) -> Authentication {
        guard principal.mayUse(virtualServer: virtualServer) else {
            let path = virtualServer.map { "/mcp/" + $0 } ?? "/mcp"
            return .refused(refusal(head, virtualServer, status: .forbidden, error: nil, "Forbidden: this caller may not use \(path)", reason: "endpoint"))
        }
        return .caller(RequestCaller(principal: principal, bearerToken: bearerToken))
    }

    private func refusal(
        _ head: HTTPRequestHead, _ virtualServer: String?, status: HTTPResponseStatus, error: String?, _ message: String, reason: String
    ) -> AuthRefusal {
        Self.count(reason)
        // Challenges are for OAuth clients; an open gateway (no `auth`) has no metadata to name.
        let challenge = isOAuthResourceServer
            ? BearerChallenge(resourceMetadata: metadataURL(head, virtualServer), scopes: challengeScopes, error: error).headerValue
            : nil
        return AuthRefusal(status: status, challenge: challenge, message: message, reason: reason)
    }

    private func metadataURL(_ head: HTTPRequestHead, _ virtualServer: String?) -> String {
        metadata.metadataURL(forMCPPath: GatewayPath.mcpPath(virtualServer: virtualServer), origin: origin(head))
    }

    func origin(_ head: HTTPRequestHead) -> RequestOrigin {
        RequestOrigin(host: head.headers.first(name: "Host"), isTLS: isTLS, forwardedProto: head.headers.first(name: "X-Forwarded-Proto"))
    }

    /// The RFC 9728 document about `/mcp` or a virtual server's endpoint.
    func resourceMetadata(mcpPath: String, head: HTTPRequestHead) -> ByteBuffer? {
        guard isOAuthResourceServer else { return nil }
        return ByteBuffer(string: metadata.document(forMCPPath: mcpPath, origin: origin(head)))
    }

    private static func count(_ reason: String) {
        GovernanceMetrics.authRefusals.increment(reason)
    }
}

extension CallerAuthentication {
    /// Roles that open the admin API (`auth.admin_roles`).
    package var adminRoles: Set<String> { Set(auth?.adminRoles ?? []) }

    /// May `caller` use the admin API? Without `auth` the gateway serves loopback (or
    /// certificate holders only): the admin API is open to this machine, never to every
    /// certificate holder.
    package func isAdmin(_ caller: Principal) -> Bool {
        guard auth != nil else { return listensOnLoopback }
        return !caller.roles.isDisjoint(with: adminRoles)
    }
}
