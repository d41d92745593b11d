package import NIOCore
package import SwitchboardCore
package import SwitchboardUpstream
import Synchronization

/// An upstream transport with no peer behind it, for component tests: what the gateway sends is
/// recorded, and a script answers it. The handshake is answered on its own: `initialize` as a
/// 2025-11-25 server, or `server/discover` as a 2026-07-28 one (configure the server with
/// `era: legacy` or `era: modern`). Everything it delivers goes through the event loop's queue,
/// as a real transport's reads do, so on an `EmbeddedEventLoop` nothing happens until the test
/// runs the loop.
package final class ScriptedUpstreamTransport: UpstreamTransport, Sendable {
    /// How the script answers one request.
    package enum Answer: Sendable {
        /// `{"jsonrpc":"2.0","id":…,"result":<json>}` at once.
        case result(String)
        /// A JSON-RPC error at once.
        case error(code: Int, message: String)
        /// Not yet: the test answers with `respond(to:result:)` or `deliver(_:)`.
        case later
    }

    private struct State {
        var delegate: (any UpstreamTransportDelegate)?
        var sent: [JSONRPCMessage] = []
        var connected = false
    }

    private let loop: any EventLoop
    /// The `capabilities` object the handshake reports.
    private let capabilities: String
    private let script: @Sendable (JSONRPCMessage) -> Answer
    private let state = Mutex(State())

    package init(loop: any EventLoop, capabilities: String = #"{"tools":{}}"#, script: @escaping @Sendable (JSONRPCMessage) -> Answer = { _ in .later }) {
        self.loop = loop
        self.capabilities = capabilities
        self.script = script
    }

    /// Every message the gateway sent, in order (the handshake's included).
    package var sent: [JSONRPCMessage] { state.withLock { $0.sent } }

    /// The requests sent with `method`, in order.
    package func requests(_ method: String) -> [JSONRPCMessage] {
        sent.filter { $0.kind == .request && $0.method == method }
    }

    /// The notifications sent with `method`, in order.
    package func notifications(_ method: String) -> [JSONRPCMessage] {
        sent.filter { $0.kind == .notification && $0.method == method }
    }

    /// Hands the gateway a message as if the server had sent it on its shared stream.
    package func deliver(_ json: String, origin: UpstreamInboundOrigin = .sharedStream) {
        let delegate = state.withLock { $0.delegate }
        loop.execute { delegate?.upstreamTransport(received: ByteBuffer(string: json), origin: origin) }
    }

    /// Answers the request the gateway sent with upstream `id`.
    package func respond(to id: JSONRPCID, result: String) {
        deliver(String(buffer: JSONRPCEncoding.result(id: id, result: ByteBuffer(string: result))))
    }

    // MARK: UpstreamTransport

    package func setDelegate(_ delegate: any UpstreamTransportDelegate) {
        state.withLock { $0.delegate = delegate }
    }

    package func connect() -> EventLoopFuture<Void> {
        state.withLock { $0.connected = true }
        return loop.makeSucceededVoidFuture()
    }

    package func send(_ message: ByteBuffer, correlation: UInt64?) -> EventLoopFuture<Void> {
        guard let parsed = try? JSONRPCMessage.parse(message) else { return loop.makeFailedFuture(UpstreamTransportError.protocolViolation("unreadable")) }
        state.withLock { $0.sent.append(parsed) }
        guard parsed.kind == .request, let id = parsed.id else { return loop.makeSucceededVoidFuture() }
        switch answer(to: parsed) {
        case .result(let json):
            respond(to: id, result: json)
        case .error(let code, let text):
            deliver(String(buffer: JSONRPCEncoding.error(id: id, code: code, message: text)))
        case .later:
            break
        }
        return loop.makeSucceededVoidFuture()
    }

    private func answer(to request: JSONRPCMessage) -> Answer {
        switch request.method {
        case MCPMethod.initialize:
            return .result(#"{"protocolVersion":"2025-11-25","capabilities":"# + capabilities + #","serverInfo":{"name":"scripted","version":"1"}}"#)
        case MCPMethod.serverDiscover:
            return .result(
                #"{"resultType":"complete","supportedVersions":["2026-07-28"],"capabilities":"# + capabilities
                    + #","serverInfo":{"name":"scripted","version":"1"}}"#
            )
        default:
            return script(request)
        }
    }

    package func handshakeCompleted(protocolVersion: String) {}
    package func resetSession() {}

    package func disconnect() -> EventLoopFuture<Void> {
        state.withLock { $0.connected = false }
        return loop.makeSucceededVoidFuture()
    }

    package func close() -> EventLoopFuture<Void> {
        disconnect()
    }
}
