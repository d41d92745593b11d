import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SwitchboardControl
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardUpstream
import Synchronization

/// The consent pages (`ConsentRoutes`): the link opened in the browser, discovery and
/// registration, the redirect to the authorization server, and the callback that turns the
/// code into a stored connection.
extension OAuthConnections {
    func connect(server: Substring, query: Substring, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        let promise = loop.makePromise(of: HTTPReply.self)
        let server = String(server)
        let ticket = QueryString.value("ticket", in: query)
        promise.completeWithTask { await self.begin(server: server, ticket: ticket) }
        return promise.futureResult
    }

    func callback(query: Substring, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        let promise = loop.makePromise(of: HTTPReply.self)
        let fields = (code: QueryString.value("code", in: query), state: QueryString.value("state", in: query), error: QueryString.value("error", in: query))
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
}
