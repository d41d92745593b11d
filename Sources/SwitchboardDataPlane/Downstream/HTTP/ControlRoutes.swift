package import NIOCore
package import NIOHTTP1
package import SwitchboardPolicy

/// The control plane's routes on the data-plane listener (`/admin/v1/…`). Served by another
/// module (`SwitchboardControl`), which the runtime wires in: the data plane only checks
/// Origin and authenticates the caller, then hands the request over and writes the answer.
package protocol ControlRoutes: Sendable {
    /// `path` starts with `GatewayPath.controlPrefix`; the future completes on `loop`.
    func serve(_ head: HTTPRequestHead, path: Substring, body: ByteBuffer, caller: Principal, on loop: any EventLoop) -> EventLoopFuture<HTTPReply>
}
