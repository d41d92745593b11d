import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import SwitchboardControl
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardIdentity
import SwitchboardPolicy
import SwitchboardUpstream
import Testing

/// `/console` answered directly: its files and their headers, what it refuses, and the single
/// sign-on's refusals that need no provider (the whole flow runs in `ConsoleBrowserTests`).
@Suite struct ConsoleTests {
    let loop = EmbeddedEventLoop()

    func admin(_ console: ConsoleConfig = .init(), signIn: ConsoleSignIn? = nil) throws -> AdminAPI {
        var config = GatewayConfig(auth: AuthConfig())
        config.console = console
        let logger = Logger(label: "test")
        let gateway = Gateway(config: config, group: loop, logger: logger, version: "test", governance: try Governance(config: config, logger: logger))
        let authentication = CallerAuthentication(auth: config.auth, listen: config.listen, keys: nil, tokens: nil)
        return AdminAPI(gateway: gateway, config: config, authentication: authentication, keys: nil, credentials: nil, signIn: signIn)
    }

    func get(_ api: AdminAPI, _ asset: String, method: HTTPMethod = .GET, headers: HTTPHeaders = [:]) throws -> HTTPReply {
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: "/console" + asset, headers: headers)
        let path = asset.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let reply = api.console(head, asset: path, on: loop)
        loop.run()
        return try reply.wait()
    }

    func text(_ reply: HTTPReply) -> String {
        reply.body.map { String(buffer: $0) } ?? ""
    }

    func header(_ reply: HTTPReply, _ name: String) -> String? {
        reply.headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    @Test func theFilesComeFromTheBinaryUnderAPolicyWithNoInlineCode() throws {
        let api = try admin()
        for (asset, type) in [("", "text/html; charset=utf-8"), ("/", "text/html; charset=utf-8"), ("/app.js", "text/javascript; charset=utf-8"), ("/app.css", "text/css; charset=utf-8")] {
            let reply = try get(api, asset)
            #expect(reply.status == .ok && reply.contentType == type, "\(asset)")
            #expect(header(reply, "Content-Security-Policy")?.contains("script-src 'self';") == true)
            #expect(header(reply, "X-Frame-Options") == "DENY" && header(reply, "Referrer-Policy") == "no-referrer")
        }
        // The page loads its script and style from files, and never writes markup from data.
        let page = text(try get(api, ""))
        #expect(page.contains(#"<script src="/console/app.js" defer></script>"#) && !page.contains("<script>"))
        #expect(!text(try get(api, "/app.js")).contains("innerHTML"))
        #expect(try get(api, "/app.js/x").status == .notFound)
        #expect(try get(api, "", method: .POST).status == .methodNotAllowed)
        #expect(text(try get(api, "/sign-in.json")) == #"{"oidc":null}"#)
        #expect(try get(api, "/oidc/start").status == .notFound)
    }

    @Test func offCanBeSwitched() throws {
        let api = try admin(ConsoleConfig(enabled: false))
        let reply = try get(api, "")
        #expect(reply.status == .notFound && text(reply).contains("console.enabled"))
    }

    @Test func aCallbackThisBrowserDidNotStartGoesNowhere() throws {
        let signIn = ConsoleSignIn(
            settings: .init(issuer: "https://idp.example", clientID: "console", name: "Okta"), publicOrigin: "https://gw.example",
            resource: "https://gw.example/mcp", http: OAuthHTTP(group: loop)
        )
        #expect(signIn.redirectURI == "https://gw.example/console/oidc/callback")
        let api = try admin(signIn: signIn)
        #expect(text(try get(api, "/sign-in.json")) == #"{"oidc":{"name":"Okta"}}"#)

        func location(_ reply: HTTPReply) -> String {
            (header(reply, "Location") ?? "").removingPercentEncoding ?? ""
        }
        // No cookie naming the state: a link forged elsewhere.
        let forged = try get(api, "/oidc/callback?code=c&state=s")
        #expect(forged.status == .found && location(forged) == "/console#sign-in-error=Single sign-on failed: this sign-in was not started in this browser; start again")
        #expect(header(forged, "Set-Cookie")?.contains("Max-Age=0") == true)
        // The cookie matches, but no sign-in is waiting on that state (used, or never started).
        let replayed = try get(api, "/oidc/callback?code=c&state=s", headers: ["Cookie": "other=1; switchboard_console_state=s"])
        #expect(location(replayed).hasSuffix("the sign-in expired or was already used; start again"))
        // The provider said no: its error code is shown, cut to what a code holds.
        let refused = try get(api, "/oidc/callback?error=access_denied%3Cscript%3E&state=s")
        #expect(location(refused).hasSuffix("the provider refused the sign-in (access_deniedscript)"))
        let empty = try get(api, "/oidc/callback?state=s", headers: ["Cookie": "switchboard_console_state=s"])
        #expect(location(empty).hasSuffix("the provider's answer had no code or state"))
    }
}
