import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardStore
import SwitchboardUpstream
import Synchronization

/// The gateway's OAuth connections to `credentials.oauth` servers (MCP authorization, the
/// authorization code flow with PKCE), consented to once for the whole gateway: the consent
/// pages (`ConsentRoutes`), the tokens (sealed in the store under the principal `gateway`, the
/// access token in force handed to the transports through `OAuthTokenHolders`), and their
/// refresh before they expire or when a server refuses one. Control-plane work: tasks and
/// Foundation, never on the MCP path.
final class OAuthConnections: ConsentRoutes, Sendable {
    /// The principal id the gateway's own tokens are stored under; no caller's id looks like
    /// it (those are `key:…`, `jwt:…`, `cert:…`).
    static let principal = "gateway"

    /// What the store keeps for a connected server (sealed): the tokens, and the client and
    /// token endpoint that refresh them.
    struct Connection: Codable, Equatable {
        var tokens: OAuthTokens
        var client: OAuthClientIdentity
        var issuer: String
        var tokenEndpoint: String
        var resource: String
        var connectedAt: Date
    }

    /// Whose connection to which server: the gateway's own (`principal` is `gateway`) or, for
    /// a `per_user` server, a caller's.
    struct Key: Hashable, Sendable, CustomStringConvertible {
        var server: String
        var principal: String

        var isGateway: Bool { principal == OAuthConnections.principal }
        var description: String { isGateway ? server : "\(server) for \(principal)" }
    }

    /// An authorization under way: from the consent link to the callback.
    struct Pending: Sendable {
        var key: Key
        var verifier: String
        var client: OAuthClientIdentity
        var issuer: String
        var tokenEndpoint: WebURL
        var resource: String
        var expires: Date
    }

    struct State {
        var connections: [Key: Connection] = [:]
        var pending: [String: Pending] = [:]
        /// Ticket nonces taken, with when they stop mattering.
        var usedTickets: [String: Date] = [:]
        var refreshTasks: [Key: Task<Void, Never>] = [:]
        /// Why a connection is not there, for `check` and `/readyz`.
        var problems: [Key: String] = [:]
        /// Scopes a server asked for with 403 `insufficient_scope` (step-up), for the next consent.
        var stepUp: [Key: [String]] = [:]
    }

    let servers: [String: ServerConfig]
    let holders: OAuthTokenHolders
    let links: ConsentLinks
    private let store: any DelegatedCredentialStore
    private let sealer: DelegatedCredentialSealer
    private let group: any EventLoopGroup
    private let gateway: Gateway
    private let logger: Logger
    private let state = Mutex(State())

    init(
        servers: [ServerConfig], holders: OAuthTokenHolders, links: ConsentLinks, store: any DelegatedCredentialStore, sealer: DelegatedCredentialSealer,
        group: any EventLoopGroup, gateway: Gateway, logger: Logger
    ) {
        self.servers = Dictionary(uniqueKeysWithValues: servers.map { ($0.name, $0) })
        self.holders = holders
        self.links = links
        self.store = store
        self.sealer = sealer
        self.group = group
        self.gateway = gateway
        self.logger = logger
        for holder in holders.all { watch(holder, Key(server: holder.server, principal: Self.principal)) }
    }

    /// A holder's refusals lead to a refresh or a step-up of its connection.
    private func watch(_ holder: OAuthTokenHolder, _ key: Key) {
        holder.whenRejected { [weak self] in self?.refreshSoon(key, reason: "the server refused the access token") }
        holder.whenScopeInsufficient { [weak self] scopes in self?.needsScope(key, scopes) }
    }

    /// The holder of `key`'s token (made for a caller of a `per_user` server when first asked).
    private func holder(_ key: Key) -> OAuthTokenHolder? {
        if key.isGateway { return holders[key.server] }
        guard servers[key.server]?.credentials?.isPerUserOAuth == true, let holder = holders.holder(server: key.server, principal: key.principal) else {
            return nil
        }
        watch(holder, key)
        return holder
    }

    // MARK: Start

    /// Opens what the store holds, before the servers start: a connected server starts with
    /// its token in force. Blocking store I/O: called from the runtime's start, not a loop.
    func load() throws {
        let rows = try store.delegatedEntries().filter { row in
            row.principal == Self.principal ? servers[row.server] != nil : servers[row.server]?.credentials?.isPerUserOAuth == true
        }
        for row in rows {
            guard let opened = sealer.open(row.sealed, principal: Self.principal, server: row.server),
                let connection = try? JSONDecoder().decode(Connection.self, from: Data(opened.utf8))
            else {
                logger.warning("stored OAuth connection cannot be opened (other seal keys?); connect again", metadata: ["switchboard.server": "\(row.server)"])
                continue
            }
            install(connection, for: Key(server: row.server, principal: row.principal))
        }
        for name in servers.keys {
            let key = Key(server: name, principal: Self.principal)
            guard state.withLock({ $0.connections[key] == nil }) else { continue }
            state.withLock { $0.problems[key] = "not connected: an administrator authorizes it with `switchboard connect \(name)`" }
            publish(name)
        }
    }

    /// Puts the status line where `/readyz` and `check` read it.
    private func publish(_ server: String) {
        holders[server]?.status = status(server)
    }

    /// One line per server for `check` and logs.
    func status(_ server: String) -> String? {
        guard servers[server] != nil else { return nil }
        let key = Key(server: server, principal: Self.principal)
        let perUser = servers[server]?.credentials?.isPerUserOAuth == true
        return state.withLock { state in
            let callers = perUser ? "; \(state.connections.keys.filter { $0.server == server && !$0.isGateway }.count) caller(s) connected" : ""
            if let connection = state.connections[key] {
                let expiry = connection.tokens.expiresAt.map { ", access token until \(Self.day($0))" } ?? ""
                let refresh = connection.tokens.refreshToken == nil ? ", no refresh token" : ""
                let problem = state.problems[key].map { "; " + $0 } ?? ""
                return "OAuth connected (issuer \(connection.issuer)\(expiry)\(refresh))" + problem + callers
            }
            return "OAuth " + (state.problems[key] ?? "not connected") + callers
        }
    }

    // MARK: Consent pages

    func connect(server: Substring, query: Substring, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        let promise = loop.makePromise(of: HTTPReply.self)
        let server = String(server)
        let ticket = Self.parameter("ticket", in: query)
        promise.completeWithTask { await self.begin(server: server, ticket: ticket) }
        return promise.futureResult
    }

    func callback(query: Substring, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        let promise = loop.makePromise(of: HTTPReply.self)
        let fields = (code: Self.parameter("code", in: query), state: Self.parameter("state", in: query), error: Self.parameter("error", in: query))
        promise.completeWithTask { await self.finish(code: fields.code, state: fields.state, error: fields.error) }
        return promise.futureResult
    }

    private func begin(server: String, ticket sealed: String?) async -> HTTPReply {
        guard let config = servers[server], case .oauth(let oauth)? = config.credentials,
            case .streamableHTTP(let endpoint) = config.transport
        else { return ConsentPage.page(.notFound, "Unknown server", "No server of this gateway connects with OAuth under that name.") }
        guard let sealed, let ticket = links.openTicket(sealed, server: server), ticket.by == Self.principal || oauth.mode == .perUser else {
            logger.warning("consent link refused: missing, altered or expired ticket", metadata: ["switchboard.server": "\(server)"])
            return ConsentPage.page(.forbidden, "Link not valid", "This consent link is altered or expired. Ask for a new one (switchboard connect \(server)).")
        }
        let now = Date()
        let fresh = state.withLock { state -> Bool in
            state.usedTickets = state.usedTickets.filter { $0.value > now }
            return state.usedTickets.updateValue(now.addingTimeInterval(Double(ConsentLinks.lifetime.components.seconds)), forKey: ticket.nonce) == nil
        }
        guard fresh else {
            logger.warning("consent link refused: used before", metadata: ["switchboard.server": "\(server)"])
            return ConsentPage.page(.forbidden, "Link already used", "Each consent link works once. Ask for a new one (switchboard connect \(server)).")
        }
        do throws(OAuthError) {
            let http = http(for: server)
            let discovery = OAuthDiscovery(http: http)
            var issuer = oauth.authorizationServer?.description
            var resource = oauth.resource ?? endpoint.description
            let key = Key(server: server, principal: ticket.by)
            var scopes = oauth.scopes
            for scope in state.withLock({ $0.stepUp[key] ?? [] }) where !scopes.contains(scope) { scopes.append(scope) }
            if issuer == nil {
                let challenge = try await discovery.challenge(of: endpoint)
                let metadata = try await discovery.protectedResource(of: endpoint, challenge: challenge)
                issuer = metadata.authorizationServers.first
                if oauth.resource == nil { resource = metadata.resource }
                // The challenge's scopes, else all the server lists (MCP authorization, scope selection).
                for scope in (challenge?.scopes.isEmpty == false ? challenge!.scopes : metadata.scopesSupported) where !scopes.contains(scope) {
                    scopes.append(scope)
                }
            }
            guard let issuer else { throw OAuthError("no authorization server is known for \(server)") }
            let metadata = try await discovery.authorizationServer(issuer)
            let client = try await clientIdentity(for: server, oauth: oauth, metadata: metadata, scopes: scopes, http: http)
            let pkce = PKCE()
            let nonce = ConsentLinks.nonce()
            state.withLock { state in
                state.pending = state.pending.filter { $0.value.expires > now }
                state.pending[nonce] = Pending(
                    key: key, verifier: pkce.verifier, client: client, issuer: metadata.issuer, tokenEndpoint: metadata.tokenEndpoint,
                    resource: resource, expires: now.addingTimeInterval(Double(ConsentLinks.lifetime.components.seconds))
                )
            }
            let request = OAuthAuthorizationRequest(
                endpoint: metadata.authorizationEndpoint, clientID: client.clientID, redirectURI: links.callbackURL, challenge: pkce.challenge,
                state: links.state(nonce: nonce), scopes: scopes, resource: resource
            )
            logger.info("OAuth consent started", metadata: ["switchboard.server": "\(server)", "switchboard.principal": "\(ticket.by)", "switchboard.issuer": "\(metadata.issuer)"])
            return ConsentPage.redirect(request.url)
        } catch {
            note(error.message, for: Key(server: server, principal: ticket.by))
            return ConsentPage.page(.badGateway, "Cannot start the authorization", error.message)
        }
    }

    private func finish(code: String?, state sealedState: String?, error: String?) async -> HTTPReply {
        guard let sealedState, let nonce = links.openState(sealedState) else {
            logger.warning("OAuth callback refused: missing, altered or expired state")
            return ConsentPage.page(.forbidden, "Not valid", "This answer does not belong to an authorization the gateway started, or it expired.")
        }
        // Single-use: taken whatever happens next.
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: nonce) }), pending.expires > Date() else {
            logger.warning("OAuth callback refused: state used before or expired")
            return ConsentPage.page(.forbidden, "Not valid", "This authorization was finished already or took too long. Start again.")
        }
        if let error {
            let code = error.count <= 64 && error.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) ? error : "an error"
            note("the authorization server answered \(code) to the consent", for: pending.key)
            return ConsentPage.page(.ok, "Not connected", "The authorization server answered \(code). Nothing was stored.")
        }
        guard let code else { return ConsentPage.page(.badRequest, "Not valid", "The answer carries no authorization code.") }
        let endpoint = OAuthTokenEndpoint(url: pending.tokenEndpoint, client: pending.client, http: http(for: pending.key.server))
        do throws(OAuthError) {
            let tokens = try await endpoint.exchange(code: code, verifier: pending.verifier, redirectURI: links.callbackURL, resource: pending.resource)
            let connection = Connection(
                tokens: tokens, client: pending.client, issuer: pending.issuer, tokenEndpoint: pending.tokenEndpoint.description,
                resource: pending.resource, connectedAt: Date()
            )
            do {
                try save(connection, for: pending.key)
            } catch {
                note("the token could not be stored: \(error)", for: pending.key)
                return ConsentPage.page(.internalServerError, "Not connected", "The token could not be stored: \(error)")
            }
            state.withLock { $0.stepUp[pending.key] = nil }
            install(connection, for: pending.key)
            logger.notice("OAuth connected", metadata: ["switchboard.server": "\(pending.key.server)", "switchboard.principal": "\(pending.key.principal)", "switchboard.issuer": "\(pending.issuer)"])
            if pending.key.isGateway { gateway.servers.named(pending.key.server)?.start() }
            let whom = pending.key.isGateway ? "The gateway is" : "Your account is"
            return ConsentPage.page(.ok, "Connected", "\(whom) connected to \(pending.key.server). You can close this tab and try again.")
        } catch {
            note(error.message, for: pending.key)
            return ConsentPage.page(.badGateway, "Not connected", error.message)
        }
    }

    /// The configured client, the one registered before with this issuer, or a new registration.
    private func clientIdentity(
        for server: String, oauth: OAuthAuthorizationConfig, metadata: AuthorizationServerMetadata, scopes: [String], http: OAuthHTTP
    ) async throws(OAuthError) -> OAuthClientIdentity {
        if let clientID = oauth.clientID {
            let secret: String?
            switch oauth.clientSecret {
            case .value(let value)?: secret = value.value
            case .file(let path)?:
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw OAuthError("credentials.oauth.client_secret_file \(path) cannot be read") }
                secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
            case nil: secret = nil
            }
            return OAuthClientIdentity(clientID: clientID, clientSecret: secret, authMethod: secret == nil ? "none" : "client_secret_basic")
        }
        // One registration per server and issuer serves the gateway and every caller.
        let known = state.withLock { state in state.connections.first { $0.key.server == server && $0.value.issuer == metadata.issuer }?.value.client }
        if let known { return known }
        guard let registration = metadata.registrationEndpoint else {
            throw OAuthError("the authorization server \(metadata.issuer) offers no dynamic registration; register the gateway there and set credentials.oauth.client_id")
        }
        let client = try await OAuthClientIdentity.register(at: registration, redirectURI: links.callbackURL, clientName: "Switchboard MCP gateway", scopes: scopes, http: http)
        logger.info("registered with the authorization server", metadata: ["switchboard.server": "\(server)", "switchboard.issuer": "\(metadata.issuer)", "switchboard.client": "\(client.clientID)"])
        return client
    }

    // MARK: Tokens

    private func save(_ connection: Connection, for key: Key) throws {
        let json = String(decoding: try JSONEncoder().encode(connection), as: UTF8.self)
        let sealed = sealer.seal(json, principal: key.principal, server: key.server, expiresAt: nil)
        try store.setDelegated(principal: key.principal, server: key.server, sealed: sealed, expiresAt: nil)
    }

    /// Puts a connection in force and schedules its refresh.
    private func install(_ connection: Connection, for key: Key) {
        // A token that could not travel in a header is as good as none (the store may be edited).
        let token = connection.tokens.accessToken
        holder(key)?.set(BearerHeaderValue.canCarry(token) ? token : nil)
        state.withLock { state in
            state.connections[key] = connection
            // A step-up still wanted stays said until a consent gives the scope.
            if state.stepUp[key] == nil { state.problems[key] = nil }
        }
        publish(key.server)
        guard let expires = connection.tokens.expiresAt, connection.tokens.refreshToken != nil else { return }
        // Ahead of expiry: a fifth of the lifetime left, at most a minute before.
        let left = expires.timeIntervalSinceNow
        let lead = min(60, max(1, left / 5))
        schedule(key, after: max(0, left - lead))
    }

    /// Step-up: the token lacks scope. It stays in force (other calls may not need more); the
    /// next consent asks for the scopes named, and an administrator is told to give it.
    private func needsScope(_ key: Key, _ scopes: [String]) {
        let named = scopes.isEmpty ? "" : " (" + scopes.joined(separator: " ") + ")"
        let alreadyKnown = state.withLock { state -> Bool in
            let known = state.stepUp[key] != nil
            var wanted = state.stepUp[key] ?? []
            for scope in scopes where !wanted.contains(scope) { wanted.append(scope) }
            state.stepUp[key] = wanted
            return known
        }
        guard !alreadyKnown else { return }
        note("the server needs more scope than was granted\(named): \(Self.reconnect(key))", for: key)
    }

    /// What to do about a lost or short connection, for messages.
    static func reconnect(_ key: Key) -> String {
        key.isGateway
            ? "an administrator authorizes it again with `switchboard connect \(key.server)`"
            : "\(key.principal) connects again (the next call asks)"
    }

    private func refreshSoon(_ key: Key, reason: String) {
        logger.info("OAuth token refresh: \(reason)", metadata: ["switchboard.server": "\(key.server)", "switchboard.principal": "\(key.principal)"])
        schedule(key, after: 0)
    }

    private func schedule(_ key: Key, after seconds: TimeInterval) {
        let task = Task { [weak self] in
            if seconds > 0 { try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) }
            guard !Task.isCancelled else { return }
            await self?.refresh(key)
        }
        state.withLock { $0.refreshTasks.updateValue(task, forKey: key)?.cancel() }
    }

    private func refresh(_ key: Key) async {
        guard let connection = state.withLock({ $0.connections[key] }), let refreshToken = connection.tokens.refreshToken,
            let url = WebURL(parsing: connection.tokenEndpoint)
        else {
            disconnect(key, reason: "the access token expired and there is no refresh token: \(Self.reconnect(key))")
            return
        }
        let endpoint = OAuthTokenEndpoint(url: url, client: connection.client, http: http(for: key.server))
        do throws(OAuthError) {
            var renewed = connection
            renewed.tokens = try await endpoint.refresh(refreshToken, resource: connection.resource)
            try? save(renewed, for: key)
            install(renewed, for: key)
            logger.info("OAuth token refreshed", metadata: ["switchboard.server": "\(key.server)", "switchboard.principal": "\(key.principal)"])
            if key.isGateway { gateway.servers.named(key.server)?.start() }
        } catch {
            if error.message.contains("invalid_grant") {
                disconnect(key, reason: "authorization revoked or expired (\(error.message)): \(Self.reconnect(key))")
            } else {
                // A network or server problem: a token still in force stays, the next try is in a minute.
                note("token refresh failed, retrying in a minute: \(error.message)", for: key)
                holder(key)?.refreshFailed(error.message)
                schedule(key, after: 60)
            }
        }
    }

    /// Forgets a connection that can no longer be renewed, in memory and in the store.
    private func disconnect(_ key: Key, reason: String) {
        holder(key)?.set(nil)
        state.withLock { state in
            state.connections[key] = nil
            state.problems[key] = reason
        }
        _ = try? store.removeDelegated(principal: key.principal, server: key.server)
        publish(key.server)
        logger.warning("OAuth connection lost: \(reason)", metadata: ["switchboard.server": "\(key.server)", "switchboard.principal": "\(key.principal)"])
    }

    private func note(_ problem: String, for key: Key) {
        state.withLock { $0.problems[key] = problem }
        publish(key.server)
        logger.warning("OAuth: \(problem)", metadata: ["switchboard.server": "\(key.server)", "switchboard.principal": "\(key.principal)"])
    }

    func shutdown() {
        for task in state.withLock({ $0.refreshTasks.values }) { task.cancel() }
    }

    // MARK: Helpers

    /// OAuth exchanges for `server`, trusting what its `tls` settings trust.
    private func http(for server: String) -> OAuthHTTP {
        OAuthHTTP(group: group, trust: servers[server]?.tls)
    }

    /// One query parameter, percent-decoded (`+` is a space in a form-encoded query).
    static func parameter(_ name: String, in query: Substring) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.first == Substring(name) else { continue }
            let value = parts.count > 1 ? String(parts[1]) : ""
            return value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    private static func day(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)) }
}
