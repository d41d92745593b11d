package import Foundation
package import NIOCore
package import NIOHTTP1
import NIOConcurrencyHelpers
package import SwitchboardCore
package import SwitchboardDataPlane
package import SwitchboardUpstream

/// Single sign-on for the console: the gateway is an OAuth client (authorization code with
/// PKCE and a `state` bound to the browser by a cookie) of the provider `auth.jwt` trusts,
/// asking for a token for the gateway itself (RFC 8707 `resource`). The token is handed to
/// the page in the URL fragment, which never reaches a server, and from there on is checked
/// like any caller's bearer token: whether it opens the admin API is the provider's claims'
/// business (`auth.jwt.claims.roles` against `auth.admin_roles`), not this type's.
///
/// - `GET /console/oidc/start` → 302 to the provider's authorization endpoint.
/// - `GET /console/oidc/callback?code=&state=` → the code exchanged, 302 to
///   `/console#token=…`, or to `/console#sign-in-error=…` naming what went wrong.
package final class ConsoleSignIn: Sendable {
    package let settings: ConsoleConfig.OIDC
    /// Where the provider sends the browser back: `{public_url}/console/oidc/callback`.
    package let redirectURI: String
    /// The gateway's own resource URI, the token's audience.
    let resource: String
    let secureCookie: Bool
    private let http: OAuthHTTP
    private let clock: @Sendable () -> Date
    private let state = NIOLockedValueBox(Pending())

    static let cookie = "switchboard_console_state"
    /// A sign-in not finished in this long is forgotten; at most this many wait at once.
    static let lifetime: TimeInterval = 600
    static let maxPending = 64

    private struct Pending {
        var flows: [String: (verifier: String, started: Date)] = [:]
        var metadata: AuthorizationServerMetadata?
    }

    package init(settings: ConsoleConfig.OIDC, publicOrigin: String, resource: String, http: OAuthHTTP, clock: @escaping @Sendable () -> Date = Date.init) {
        self.settings = settings
        self.redirectURI = publicOrigin + "/console/oidc/callback"
        self.resource = resource
        self.secureCookie = publicOrigin.hasPrefix("https://")
        self.http = http
        self.clock = clock
    }

    /// What the sign-in page offers, for `/console/sign-in.json`.
    package var offer: [String: Any] { ["oidc": ["name": settings.name]] }

    package func start(on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        loop.makeFutureWithTask { [self] in
            do {
                let metadata = try await self.metadata()
                let pkce = PKCE()
                let flow = ConsentLinks.nonce()
                let now = clock()
                state.withLockedValue { pending in
                    pending.flows = pending.flows.filter { now.timeIntervalSince($0.value.started) < Self.lifetime }
                    if pending.flows.count >= Self.maxPending, let oldest = pending.flows.min(by: { $0.value.started < $1.value.started }) {
                        pending.flows[oldest.key] = nil
                    }
                    pending.flows[flow] = (pkce.verifier, now)
                }
                let request = OAuthAuthorizationRequest(
                    endpoint: metadata.authorizationEndpoint, clientID: settings.clientID, redirectURI: redirectURI, challenge: pkce.challenge,
                    state: flow, scopes: settings.scopes, resource: resource
                )
                var cookie = "\(Self.cookie)=\(flow); Path=/console/oidc; Max-Age=\(Int(Self.lifetime)); HttpOnly; SameSite=Lax"
                if secureCookie { cookie += "; Secure" }
                return Self.redirect(request.url, cookie: cookie)
            } catch {
                return Self.failed("the provider could not be reached: \(error)")
            }
        }
    }

    package func callback(_ head: HTTPRequestHead, query: Substring, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        let fields = Dictionary(QueryString.pairs(query), uniquingKeysWith: { first, _ in first })
        if let error = fields["error"] {
            // The provider's code only: its description is free text from another party.
            return loop.makeSucceededFuture(Self.failed("the provider refused the sign-in (\(Self.printable(error)))"))
        }
        guard let flow = fields["state"], let code = fields["code"], !code.isEmpty else {
            return loop.makeSucceededFuture(Self.failed("the provider's answer had no code or state"))
        }
        // The state must be the one this browser was given: a link made in another browser
        // (a forged sign-in) is refused.
        guard Self.cookieValue(head.headers, name: Self.cookie) == flow else {
            return loop.makeSucceededFuture(Self.failed("this sign-in was not started in this browser; start again"))
        }
        let now = clock()
        let started = state.withLockedValue { pending in pending.flows.removeValue(forKey: flow) }
        guard let started, now.timeIntervalSince(started.started) < Self.lifetime else {
            return loop.makeSucceededFuture(Self.failed("the sign-in expired or was already used; start again"))
        }
        return loop.makeFutureWithTask { [self] in
            do {
                let metadata = try await self.metadata()
                let client = OAuthClientIdentity(
                    clientID: settings.clientID, clientSecret: settings.clientSecret?.value,
                    authMethod: settings.clientSecret == nil ? "none" : "client_secret_basic"
                )
                let tokens = try await OAuthTokenEndpoint(url: metadata.tokenEndpoint, client: client, http: http)
                    .exchange(code: code, verifier: started.verifier, redirectURI: redirectURI, resource: resource)
                return Self.redirect("/console#token=" + PercentEncoding.encode(tokens.accessToken), cookie: Self.expiredCookie)
            } catch {
                return Self.failed("\(error)")
            }
        }
    }

    /// The provider's metadata, fetched at the first sign-in and kept.
    private func metadata() async throws(OAuthError) -> AuthorizationServerMetadata {
        if let known = state.withLockedValue({ $0.metadata }) { return known }
        let found = try await OAuthDiscovery(http: http).authorizationServer(settings.issuer)
        state.withLockedValue { $0.metadata = found }
        return found
    }

    static let expiredCookie = "\(cookie)=; Path=/console/oidc; Max-Age=0; HttpOnly; SameSite=Lax"

    static func redirect(_ location: String, cookie: String) -> HTTPReply {
        HTTPReply(.found, headers: [("Location", location), ("Set-Cookie", cookie), ("Cache-Control", "no-store")], contentType: "text/plain", body: nil)
    }

    static func failed(_ message: String) -> HTTPReply {
        redirect("/console#sign-in-error=" + PercentEncoding.encode("Single sign-on failed: " + message), cookie: expiredCookie)
    }

    static func cookieValue(_ headers: HTTPHeaders, name: String) -> String? {
        for header in headers["Cookie"] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name { return String(parts[1]) }
            }
        }
        return nil
    }

    /// An error code from the provider, cut to what an error code may hold.
    static func printable(_ text: String) -> String {
        String(text.prefix(64).filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
    }
}
