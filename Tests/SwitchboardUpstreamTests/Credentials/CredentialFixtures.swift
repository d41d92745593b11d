import Foundation
import Logging
import NIOCore
import Synchronization
import SwitchboardCore
import SwitchboardUpstream
import SwitchboardTesting

/// A clock the test moves by hand, for token lifetimes and file checks.
final class ManualClock: Sendable {
    private let current = Mutex(NIODeadline.uptimeNanoseconds(1_000_000_000_000))

    func now() -> NIODeadline { current.withLock { $0 } }

    func advance(by amount: TimeAmount) {
        current.withLock { $0 = $0 + amount }
    }
}

/// A scripted OAuth token endpoint on a `TestHTTPServer`: hands out `token-1`, `token-2`, …
/// with the configured `expires_in`, or fails as told.
final class TokenEndpointScript: Sendable {
    enum Mode: Sendable {
        case issue(expiresIn: Int?)
        /// An RFC 6749 §5.2 error answer.
        case refuse(status: Int, error: String)
        /// Answers after a delay, so concurrent requests pile up behind one fetch.
        case slow(milliseconds: Int64, expiresIn: Int?)
        /// Not JSON, with the secret in it, to prove errors do not echo bodies.
        case garbage(String)
    }

    private let state: Mutex<(mode: Mode, issued: Int)>

    init(_ mode: Mode = .issue(expiresIn: 3600)) {
        state = Mutex((mode, 0))
    }

    func set(_ mode: Mode) {
        state.withLock { $0.mode = mode }
    }

    var issued: Int { state.withLock { $0.issued } }

    func handle(_ request: TestHTTPRequest, _ responder: TestHTTPResponder) {
        let (mode, number) = state.withLock { state -> (Mode, Int) in
            switch state.mode {
            case .issue, .slow: state.issued += 1
            case .refuse, .garbage: break
            }
            return (state.mode, state.issued)
        }
        @Sendable func token(_ expiresIn: Int?) -> String {
            let expiry = expiresIn.map { #","expires_in":\#($0)"# } ?? ""
            return #"{"access_token":"token-\#(number)","token_type":"bearer"\#(expiry)}"#
        }
        switch mode {
        case .issue(let expiresIn):
            responder.json(token(expiresIn))
        case .refuse(let status, let error):
            responder.json(#"{"error":"\#(error)","error_description":"bad client secret s3cr3t"}"#, status: status)
        case .slow(let delay, let expiresIn):
            responder.after(milliseconds: delay) { responder.json(token(expiresIn)) }
        case .garbage(let body):
            responder.respond(status: 200, headers: [("Content-Type", "text/plain")], body: body)
        }
    }
}

/// A legacy (2025-06-18) MCP server on a `TestHTTPServer` that records the `Authorization`
/// of every request and answers 401 to tokens it was told to refuse.
final class AuthorizingMCPScript: Sendable {
    private let refused = Mutex<Set<String>>([])

    func refuse(_ authorization: String) {
        refused.withLock { _ = $0.insert(authorization) }
    }

    func handle(_ request: TestHTTPRequest, _ responder: TestHTTPResponder) {
        if let authorization = request.header("Authorization"), refused.withLock({ $0.contains(authorization) }) {
            responder.respond(status: 401, headers: [("WWW-Authenticate", #"Bearer error="invalid_token""#)])
            return
        }
        guard request.method == "POST" else {
            responder.respond(status: 405)
            return
        }
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
        guard let id = body["id"].map({ "\($0)" }) else {
            responder.respond(status: 202)
            return
        }
        switch body["method"] as? String {
        case "initialize":
            responder.json(#"{"jsonrpc":"2.0","id":\#(id),"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"authorizing","version":"1"}}}"#)
        default:
            responder.json(#"{"jsonrpc":"2.0","id":\#(id),"result":{"content":[{"type":"text","text":"ok"}]}}"#)
        }
    }
}

enum CredentialFixtures {
    static let secret = "s3cr3t-client-secret"

    static func endpoint(_ port: Int, _ path: String = "/mcp") -> HTTPEndpoint {
        HTTPEndpoint(host: "127.0.0.1", port: port, pathAndQuery: path)
    }

    static func oauth(tokenPort: Int, scopes: [String] = [], audience: String? = nil, resource: String? = nil) -> ServerCredentialsConfig {
        .oauthClientCredentials(OAuthClientCredentialsConfig(
            tokenURL: WebURL(scheme: "http", host: "127.0.0.1", port: tokenPort, pathAndQuery: "/oauth/token"),
            clientID: "switchboard",
            clientSecret: .value(ConfigSecret(secret)),
            scopes: scopes,
            resource: resource,
            audience: audience
        ))
    }

    /// A Streamable HTTP transport for `config`, with its provider on `clock`.
    static func streamable(
        _ config: ServerConfig,
        loop: any EventLoop,
        clock: ManualClock,
        fileCheckInterval: TimeAmount = .seconds(1)
    ) -> (StreamableHTTPUpstreamTransport, TransportRecorder) {
        guard case .streamableHTTP(let endpoint) = config.transport else { preconditionFailure("a url server") }
        let transport = StreamableHTTPUpstreamTransport(
            serverName: config.name,
            endpoint: endpoint,
            headers: config.headers,
            credentials: UpstreamCredentialProvider.make(
                for: config, eventLoop: loop, logger: Logger(label: "test"), now: { clock.now() }, fileCheckInterval: fileCheckInterval
            ),
            timeouts: ServerTimeouts(connect: .seconds(2), initialize: .seconds(5), request: .seconds(5)),
            maxMessageBytes: 1 << 20,
            maxConnections: 4,
            eventLoop: loop,
            logger: Logger(label: "test")
        )
        let recorder = TransportRecorder(eventLoop: loop)
        transport.setDelegate(recorder)
        return (transport, recorder)
    }

    static func ping(_ id: Int) -> ByteBuffer {
        ByteBuffer(string: #"{"jsonrpc":"2.0","id":\#(id),"method":"ping"}"#)
    }

    /// A file in a fresh temporary folder, removed by the caller.
    static func secretFile(_ content: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-credentials-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("secret").path
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// An unsigned JWT whose payload names `audience` (passthrough only reads `aud`).
    static func callerToken(audience: [String]) -> String {
        let header = Base64URL.encode(Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let auds = audience.map { #""\#($0)""# }.joined(separator: ",")
        let payload = Base64URL.encode(Array(#"{"sub":"alice","aud":[\#(auds)]}"#.utf8))
        return header + "." + payload + ".c2lnbmF0dXJl"
    }
}
