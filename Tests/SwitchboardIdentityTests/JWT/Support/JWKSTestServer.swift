import NIOPosix
import SwitchboardCore
import SwitchboardTesting
import Synchronization

/// A provider's JWKS endpoint on 127.0.0.1 whose keys and health the test controls.
final class JWKSTestServer: Sendable {
    enum Mode: Sendable {
        case serving
        case failing(status: Int)
        case redirecting
        /// A body over the 1 MiB limit.
        case oversized
        /// Closes the connection without answering.
        case dropping
        /// This body, as JSON, instead of the key set.
        case body(String)
    }

    let server: TestHTTPServer
    private let state: State

    private final class State: Sendable {
        let value: Mutex<(jwks: String, mode: Mode)>

        init(jwks: String) {
            value = Mutex((jwks, .serving))
        }
    }

    private init(server: TestHTTPServer, state: State) {
        self.server = server
        self.state = state
    }

    static func start(_ keys: [TestSigningKey], extra: [String] = []) async throws -> JWKSTestServer {
        let state = State(jwks: TestTokens.jwks(keys, extra: extra))
        let server = try await TestHTTPServer.start(group: MultiThreadedEventLoopGroup.singleton) { _, responder in
            let (jwks, mode) = state.value.withLock { ($0.jwks, $0.mode) }
            switch mode {
            case .serving: responder.json(jwks)
            case .failing(let status): responder.respond(status: status, body: "unavailable")
            case .redirecting: responder.respond(status: 302, headers: [("Location", "/elsewhere.json")])
            case .oversized: responder.json(#"{"keys":[],"pad":""# + String(repeating: "x", count: 1 << 20) + #""}"#)
            case .dropping: responder.closeConnection()
            case .body(let body): responder.json(body)
            }
        }
        return JWKSTestServer(server: server, state: state)
    }

    var url: WebURL { WebURL(scheme: "http", host: "127.0.0.1", port: server.port, pathAndQuery: "/jwks.json") }

    /// GETs received so far.
    var fetches: Int { server.requests.count }

    func publish(_ keys: [TestSigningKey], extra: [String] = []) {
        state.value.withLock { $0.jwks = TestTokens.jwks(keys, extra: extra) }
    }

    func set(_ mode: Mode) {
        state.value.withLock { $0.mode = mode }
    }

    func shutdown() async throws {
        try await server.shutdown()
    }
}
