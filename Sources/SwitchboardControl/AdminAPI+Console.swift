import Foundation
package import NIOCore
package import NIOHTTP1
package import SwitchboardDataPlane

/// `/console`: the web console's files (`ConsoleAssets`), for anyone (they hold no data; the
/// admin API behind them checks the caller on every request), and its single sign-on
/// (`ConsoleSignIn`) when `console.oidc` is configured.
extension AdminAPI {
    package func console(_ head: HTTPRequestHead, asset: Substring, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        guard consoleEnabled else { return loop.makeSucceededFuture(Self.error(.notFound, "the console is off (console.enabled)")) }
        guard head.method == .GET else {
            return loop.makeSucceededFuture(HTTPReply(.methodNotAllowed, headers: [("Allow", "GET")], body: Self.encode(["error": "the console answers GET"])))
        }
        switch asset {
        case "/sign-in.json":
            return loop.makeSucceededFuture(Self.json(.ok, signIn?.offer ?? ["oidc": NSNull()]))
        case "/oidc/start":
            guard let signIn else { break }
            return signIn.start(on: loop)
        case "/oidc/callback":
            guard let signIn else { break }
            return signIn.callback(head, query: Self.query(head.uri), on: loop)
        default:
            if let file = ConsoleAssets.reply(asset) { return loop.makeSucceededFuture(file) }
        }
        return loop.makeSucceededFuture(Self.error(.notFound, "no such console page"))
    }
}
