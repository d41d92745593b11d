import Foundation
import JWTKit
import NIOPosix
import SwitchboardCore
import SwitchboardTesting

/// A stand-in OIDC provider: one P-256 signing key, its JWKS served on 127.0.0.1, and tokens
/// signed with it for whatever claims a test needs.
struct TestIssuer {
    static let issuer = "https://idp.test/"
    let server: TestHTTPServer
    private let signingKey: ES256PrivateKey
    private let kid = "test-key-1"

    static func start() async throws -> TestIssuer {
        let key = ES256PrivateKey()
        guard let parameters = key.parameters else { throw HarnessError("no EC parameters") }
        let jwks = #"{"keys":[{"kty":"EC","kid":"test-key-1","use":"sig","alg":"ES256","crv":"P-256","x":"\#(parameters.x)","y":"\#(parameters.y)"}]}"#
        let server = try await TestHTTPServer.start(group: MultiThreadedEventLoopGroup.singleton) { _, responder in
            responder.json(jwks)
        }
        return TestIssuer(server: server, key: key)
    }

    private init(server: TestHTTPServer, key: ES256PrivateKey) {
        self.server = server
        self.signingKey = key
    }

    var jwksURL: String { "http://127.0.0.1:\(server.port)/jwks.json" }

    /// A compact JWS (ES256) over `claims`, valid for ten minutes unless the claims say otherwise.
    func token(_ claims: [String: Any]) async throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        var all: [String: Any] = ["iss": Self.issuer, "iat": now, "exp": now + 600]
        for (name, value) in claims { all[name] = value }
        let header = try JSONSerialization.data(withJSONObject: ["alg": "ES256", "kid": kid, "typ": "JWT"], options: [.sortedKeys])
        let body = try JSONSerialization.data(withJSONObject: all, options: [.sortedKeys])
        let input = Base64URL.encode(header) + "." + Base64URL.encode(body)
        let collection = JWTKeyCollection()
        await collection.add(ecdsa: signingKey, kid: JWKIdentifier(string: kid))
        let signer = try await collection.getKey(for: JWKIdentifier(string: kid))
        return input + "." + Base64URL.encode(try signer.sign(Array(input.utf8)))
    }

    func shutdown() async {
        try? await server.shutdown()
    }
}
