package import NIOCore
package import NIOHTTP1
package import SwitchboardPolicy

/// The control plane's routes on the data-plane listener (`/admin/v1/…`, `/console`). Served by another
/// module (`SwitchboardControl`), which the runtime wires in: the data plane only checks
/// Origin and authenticates the caller, then hands the request over and writes the answer.
package protocol ControlRoutes: Sendable {
    /// `path` starts with `GatewayPath.controlPrefix`; the future completes on `loop`.
    func serve(_ head: HTTPRequestHead, path: Substring, body: ByteBuffer, caller: Principal, on loop: any EventLoop) -> EventLoopFuture<HTTPReply>

    /// `/console…` (`asset` is what follows `/console`): the console's page and assets, which
    /// hold no data and need no caller; what the page shows it reads from `/admin/v1` with the
    /// credentials signed in with.
    func console(_ head: HTTPRequestHead, asset: Substring, on loop: any EventLoop) -> EventLoopFuture<HTTPReply>
}
