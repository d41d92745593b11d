package import NIOCore
package import NIOHTTP1
package import SwitchboardDataPlane

/// `/console`: the web console's files (`ConsoleAssets`), for anyone (they hold no data; the
/// admin API behind them checks the caller on every request).
extension AdminAPI {
    package func console(_ head: HTTPRequestHead, asset: Substring, on loop: any EventLoop) -> EventLoopFuture<HTTPReply> {
        guard head.method == .GET else {
            return loop.makeSucceededFuture(HTTPReply(.methodNotAllowed, headers: [("Allow", "GET")], body: Self.encode(["error": "the console answers GET"])))
        }
        return loop.makeSucceededFuture(ConsoleAssets.reply(asset) ?? Self.error(.notFound, "no such console page"))
    }
}
