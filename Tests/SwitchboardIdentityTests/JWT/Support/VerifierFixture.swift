import Logging
import NIOPosix
import SwitchboardCore
@testable import SwitchboardIdentity

/// A JWKS server with the given keys, a clock, and a verifier wired to both.
struct VerifierFixture {
    static let issuer = "https://idp.example.com/"
    static let audience = "https://gw.example.com/mcp"

    /// Fetch failures are expected in many tests; their warnings would only be noise.
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    let server: JWKSTestServer
    let clock: ManualClock
    let verifier: JWTVerifier

    static func start(
        _ keys: [TestSigningKey],
        extra: [String] = [],
        resource: String? = nil,
        configure: (inout JWTConfig) -> Void = { _ in }
    ) async throws -> VerifierFixture {
        let server = try await JWKSTestServer.start(keys, extra: extra)
        let clock = ManualClock()
        var config = JWTConfig(issuer: issuer, jwksURL: server.url, audiences: [audience])
        configure(&config)
        let verifier = JWTVerifier(
            config: config, resource: resource, group: MultiThreadedEventLoopGroup.singleton, logger: Self.quiet, now: clock.function
        )
        return VerifierFixture(server: server, clock: clock, verifier: verifier)
    }

    /// Starts a fixture, runs `body` with it, and shuts its server down however `body` ends.
    static func run(
        _ keys: [TestSigningKey],
        extra: [String] = [],
        resource: String? = nil,
        configure: (inout JWTConfig) -> Void = { _ in },
        _ body: (VerifierFixture) async throws -> Void
    ) async throws {
        let fixture = try await start(keys, extra: extra, resource: resource, configure: configure)
        do {
            try await body(fixture)
        } catch {
            try? await fixture.shutdown()
            throw error
        }
        try await fixture.shutdown()
    }

    /// Claims of a valid token at the fixture's current time; `overrides` replace or add.
    func claims(_ overrides: [String: Any] = [:]) -> [String: Any] {
        var claims: [String: Any] = [
            "iss": Self.issuer, "aud": Self.audience, "sub": "alice@example.com",
            "iat": Int(clock.now), "exp": Int(clock.now) + 600, "jti": "token-1",
        ]
        for (name, value) in overrides { claims[name] = value }
        return claims
    }

    func shutdown() async throws {
        try await server.shutdown()
    }
}
