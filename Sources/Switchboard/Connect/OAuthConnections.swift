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
        /// Callers' holders already told what to do when refused.
        var watched: Set<Key> = []
    }

    let servers: [String: ServerConfig]
    let holders: OAuthTokenHolders
    let links: ConsentLinks
    let store: any DelegatedCredentialStore
    let sealer: DelegatedCredentialSealer
    let group: any EventLoopGroup
    let gateway: Gateway
    let logger: Logger
    let state = Mutex(State())

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
    func holder(_ key: Key) -> OAuthTokenHolder? {
        if key.isGateway { return holders[key.server] }
        guard servers[key.server]?.credentials?.isPerUserOAuth == true, let holder = holders.holder(server: key.server, principal: key.principal) else {
            return nil
        }
        if state.withLock({ $0.watched.insert(key).inserted }) { watch(holder, key) }
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

    // MARK: Tokens

    func save(_ connection: Connection, for key: Key) throws {
        let json = String(decoding: try JSONEncoder().encode(connection), as: UTF8.self)
        let sealed = sealer.seal(json, principal: key.principal, server: key.server, expiresAt: nil)
        try store.setDelegated(principal: key.principal, server: key.server, sealed: sealed, expiresAt: nil)
    }

    /// Puts a connection in force and schedules its refresh.
    func install(_ connection: Connection, for key: Key) {
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

    func note(_ problem: String, for key: Key) {
        state.withLock { $0.problems[key] = problem }
        publish(key.server)
        logger.warning("OAuth: \(problem)", metadata: ["switchboard.server": "\(key.server)", "switchboard.principal": "\(key.principal)"])
    }

    func shutdown() {
        for task in state.withLock({ $0.refreshTasks.values }) { task.cancel() }
    }

    // MARK: Helpers

    /// OAuth exchanges for `server`, trusting what its `tls` settings trust.
    func http(for server: String) -> OAuthHTTP {
        OAuthHTTP(group: group, trust: servers[server]?.tls)
    }

    static func day(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)) }
}
