package import NIOCore

/// The browser's side of connecting a server's OAuth (`/connect/{server}` and
/// `/oauth/callback`): served by the control plane, which the runtime wires in. A browser
/// brings no gateway credentials; each request proves itself with what it carries (a sealed,
/// single-use consent ticket, then the sealed `state`), so the data plane only checks the
/// method and hands the request over.
package protocol ConsentRoutes: Sendable {
    /// `GET /connect/{server}?ticket=…`: on to the server's authorization server, or a page
    /// that says why not.
    func connect(server: Substring, query: Substring, on loop: any EventLoop) -> EventLoopFuture<HTTPReply>
    /// `GET /oauth/callback?code=…&state=…` (or `error=…`): where the authorization server sends
    /// the browser back.
    func callback(query: Substring, on loop: any EventLoop) -> EventLoopFuture<HTTPReply>
}
