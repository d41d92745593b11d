package import NIOCore
package import SwitchboardOutbound

/// Where an inbound upstream message came from. Streamable HTTP answers a POST on its own
/// stream, so messages read from that stream are tied to the request that opened it; that is
/// how a server-to-client request (sampling, elicitation) finds the client call that caused it.
package enum UpstreamInboundOrigin: Sendable, Equatable {
    /// The shared channel: stdio, the Streamable HTTP GET stream, the HTTP+SSE event stream.
    case sharedStream
    /// The response stream of the POST sent with this correlation value.
    case postStream(correlation: UInt64)
}

/// Receives what an upstream transport reads. Called on the transport's event loop.
package protocol UpstreamTransportDelegate: AnyObject, Sendable {
    /// One complete JSON-RPC message (or, for 2025-03-26 peers, a batch array), as raw bytes.
    func upstreamTransport(received message: ByteBuffer, origin: UpstreamInboundOrigin)
    /// The transport lost its peer (process exit, stream closed, connection refused). After this
    /// no more messages arrive; the owner decides whether to reconnect.
    func upstreamTransportClosed(error: (any Error)?)
    /// The response stream of the request sent with `correlation` ended without its response,
    /// `error` saying why when the transport knows (a refused connection, a failed handshake).
    /// Only reported for 2026-07-28 HTTP, where nothing resumes a stream: the request is lost.
    func upstreamTransport(requestEnded correlation: UInt64, error: (any Error)?)
    /// The bearer token of the caller the request sent with `correlation` is made for, when
    /// the gateway handed one over (`UpstreamRequestMeta.callerToken`). Asked only by the
    /// HTTP transports of `passthrough` servers, right before sending.
    func upstreamTransport(callerTokenFor correlation: UInt64) -> String?
}

extension UpstreamTransportDelegate {
    package func upstreamTransport(requestEnded correlation: UInt64, error: (any Error)?) {}
    package func upstreamTransport(callerTokenFor correlation: UInt64) -> String? { nil }
}

/// Failures a transport reports through the futures it returns.
package enum UpstreamTransportError: Error, Sendable, Equatable {
    /// The upstream answered 404 to a request carrying our session id: the session is gone and
    /// the owner must re-initialize.
    case sessionExpired
    /// The upstream answered with an HTTP status that is not success.
    case httpStatus(Int, body: String)
    /// A response body that is neither `application/json` nor `text/event-stream`.
    case unexpectedContentType(String)
    /// Connecting or reading took longer than the configured timeout.
    case timeout(String)
    /// The transport is not connected (never connected, or closed).
    case notConnected
    /// A frame or event larger than the configured maximum.
    case frameTooLarge(Int)
    /// The peer broke the transport's framing rules (e.g. no `endpoint` event on HTTP+SSE).
    case protocolViolation(String)
    /// Spawning a child process failed.
    case spawnFailed(String)
    /// 403 with `insufficient_scope`: the token lacks these scopes (perhaps unnamed).
    case insufficientScope([String])
}

/// A byte pipe to one MCP server. It knows framing and HTTP, not JSON-RPC semantics: the
/// upstream session above it does the handshake, id mapping and timeouts.
package protocol UpstreamTransport: AnyObject, Sendable {
    /// The delegate is set once, before `connect`.
    func setDelegate(_ delegate: any UpstreamTransportDelegate)
    /// Spawns the process or opens the long-lived stream (HTTP+SSE waits for `endpoint`).
    /// Streamable HTTP has nothing to open until the first POST and succeeds at once.
    func connect() -> EventLoopFuture<Void>
    /// Sends one message. `correlation` is set for requests, so that whatever the upstream
    /// sends on that request's response stream is reported with `.postStream(correlation:)`.
    /// The future completes once the message was written (stdio) or accepted (HTTP 200/202).
    func send(_ message: ByteBuffer, correlation: UInt64?) -> EventLoopFuture<Void>
    /// Called after `initialize` succeeded: Streamable HTTP starts sending
    /// `MCP-Protocol-Version` (2025-06-18 and later) and opens its GET stream.
    func handshakeCompleted(protocolVersion: String)
    /// Forgets the session (Streamable HTTP drops `Mcp-Session-Id`) before a re-initialize.
    func resetSession()
    /// Drops the current connection or process after a failure, so that a later `connect()`
    /// starts afresh; unlike `close()` the transport stays usable.
    func disconnect() -> EventLoopFuture<Void>
    /// Tears down for good: DELETE the session, close streams, terminate the process group.
    func close() -> EventLoopFuture<Void>

    // 2026-07-28 (spec digest §1.4, §1.6). The defaults fit transports whose framing is the
    // same in both eras (stdio) or that only exist in the legacy era (HTTP+SSE).

    /// Called before each probe or handshake: Streamable HTTP speaks the chosen era's headers
    /// (modern: no session, no GET stream, `MCP-Protocol-Version: 2026-07-28` everywhere).
    func prepare(era: UpstreamEra)
    /// Sends a request whose method and name are known, for the modern request headers.
    func sendRequest(_ message: ByteBuffer, correlation: UInt64, routing: UpstreamRequestRouting) -> EventLoopFuture<Void>
    /// Cancels a request the transport's way; false when the owner must send
    /// `notifications/cancelled` instead. Modern Streamable HTTP closes the request's
    /// connection, which is the cancel there.
    func abort(correlation: UInt64) -> Bool
}

extension UpstreamTransport {
    package func prepare(era: UpstreamEra) {}

    package func sendRequest(_ message: ByteBuffer, correlation: UInt64, routing: UpstreamRequestRouting) -> EventLoopFuture<Void> {
        send(message, correlation: correlation)
    }

    package func abort(correlation: UInt64) -> Bool { false }
}

extension UpstreamTransport {
    /// How the server is reached over the network; nil for stdio (and recording transports).
    package var route: OutboundRoute? { (self as? any UpstreamHTTPTargeted)?.target.route }

    /// For a `credentials.oauth` server, the state of its OAuth connection in one line.
    package var oauthStatus: String? {
        guard case .authorizationCode(let holder)? = (self as? any UpstreamHTTPTargeted)?.target.credentials?.credential else { return nil }
        return holder.status
    }
}
