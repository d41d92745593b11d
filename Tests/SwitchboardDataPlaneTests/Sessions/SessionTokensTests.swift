import NIOCore
import Testing
import SwitchboardCore
@testable import SwitchboardDataPlane

@Suite struct SessionTokensTests {
    static let key = SealSecret("a session seal key of at least 32 characters")

    func capabilities(_ json: String) throws -> JSONView {
        try JSONView.parse(ByteBuffer(string: json))
    }

    @Test func stateRoundTrips() throws {
        let caps = try capabilities(#"{"sampling":{},"elicitation":{"form":{},"url":{}},"roots":{"listChanged":true}}"#)
        let state = SealedSessionState(revision: "2025-11-25", clientName: "Claude Code ✓", capabilities: caps)
        let back = try #require(SealedSessionState(decoding: state.encoded()))
        #expect(back.revision == "2025-11-25")
        #expect(back.clientName == "Claude Code ✓")
        #expect(back.capabilities?.rawText == caps.rawText)
        #expect(back.capabilities?["elicitation"]?["url"] != nil)

        let bare = try #require(SealedSessionState(decoding: SealedSessionState(revision: "2024-11-05", clientName: "", capabilities: nil).encoded()))
        #expect(bare.capabilities == nil && bare.clientName == "" && bare.revision == "2024-11-05")
    }

    /// The id travels in a header on every request, so what the client sent is bounded.
    @Test func oversizedFieldsAreCut() throws {
        let huge = "{" + (0..<300).map { #""cap\#($0)":{"x":"\#(String(repeating: "y", count: 20))"}"# }.joined(separator: ",") + "}"
        let state = SealedSessionState(revision: "2025-06-18", clientName: String(repeating: "é", count: 500), capabilities: try capabilities(huge))
        let encoded = state.encoded()
        #expect(encoded.count < 2000)
        let back = try #require(SealedSessionState(decoding: encoded))
        #expect(back.clientName.utf8.count <= SealedSessionState.maxClientNameBytes)
        #expect(back.clientName.allSatisfy { $0 == "é" })
        #expect(back.capabilities?["cap0"]?.isObject == true)
        // A capability that is not an object is not a capability: dropped, not sealed.
        let odd = SealedSessionState(revision: "2025-06-18", clientName: "x", capabilities: try capabilities(#""caps""#))
        #expect(try #require(SealedSessionState(decoding: odd.encoded())).capabilities == nil)
    }

    @Test(arguments: [[], [2], [1, 10, 0, 0], [1, 3, 50, 48, 50, 0, 0], [1, 10] + Array("2099-01-01".utf8) + [0, 0]])
    func malformedStateIsRefused(_ bytes: [UInt8]) {
        #expect(SealedSessionState(decoding: bytes) == nil)
    }

    @Test func tokensOpenWithTheSameKeysOnly() throws {
        let clock = TestUnixClock()
        let a = SessionTokens(config: SessionsConfig(sealKeys: [Self.key]), now: clock.now)
        let b = SessionTokens(config: SessionsConfig(sealKeys: [Self.key]), now: clock.now)
        let other = SessionTokens(config: SessionsConfig(sealKeys: [SealSecret(String(repeating: "k", count: 40))]), now: clock.now)
        let random = SessionTokens(config: SessionsConfig(), now: clock.now)
        #expect(!a.isEphemeral && random.isEphemeral)
        let id = a.mint(SealedSessionState(revision: "2025-11-25", clientName: "c", capabilities: nil))
        #expect(b.open(id)?.clientName == "c")
        #expect(other.open(id) == nil)
        #expect(random.open(id) == nil)
        // A session token is not an MRTR token, nor the reverse.
        #expect(a.sealer.open(id, purpose: "mrtr") == nil)
        #expect(b.open(a.sealer.seal(SealedSessionState(revision: "2025-11-25", clientName: "c", capabilities: nil).encoded(), purpose: "mrtr", ttl: .seconds(60))) == nil)
    }

    @Test func lifetimeBoundsTheId() throws {
        let clock = TestUnixClock()
        let tokens = SessionTokens(config: SessionsConfig(sealKeys: [Self.key], maxLifetime: .seconds(3600)), now: clock.now)
        let id = tokens.mint(SealedSessionState(revision: "2025-11-25", clientName: "c", capabilities: nil))
        clock.advance(by: 3599)
        #expect(tokens.open(id) != nil)
        clock.advance(by: 1)
        #expect(tokens.open(id) == nil)
    }

    @Test func endedIdsStayRefusedOnTheirReplica() throws {
        let clock = TestUnixClock()
        let config = SessionsConfig(sealKeys: [Self.key], maxLifetime: .seconds(600))
        let tokens = SessionTokens(config: config, now: clock.now)
        let kept = tokens.mint(SealedSessionState(revision: "2025-11-25", clientName: "kept", capabilities: nil))
        let ended = tokens.mint(SealedSessionState(revision: "2025-11-25", clientName: "ended", capabilities: nil))
        tokens.end(ended)
        tokens.end("not a token")
        #expect(tokens.open(ended) == nil)
        #expect(tokens.open(kept) != nil)
        // Kept only as long as the token could open.
        let revocations = try #require(tokens.revocations as? InMemorySessionRevocations)
        #expect(revocations.count == 1)
        clock.advance(by: 600)
        tokens.end(kept)  // already expired: nothing to remember
        #expect(revocations.count == 1)
    }

    @Test func revocationsAreBounded() {
        let revocations = InMemorySessionRevocations(capacity: 3)
        for i in 0..<3 { revocations.revoke("id\(i)", until: 100 + Int64(i), now: 0) }
        #expect((0..<3).allSatisfy { revocations.isRevoked("id\($0)", now: 0) })
        revocations.revoke("id3", until: 200, now: 0)
        #expect(revocations.count == 3 && revocations.dropped == 1)
        #expect(!revocations.isRevoked("id0", now: 0))
        #expect(revocations.isRevoked("id3", now: 0))
        // Expired entries make room before anything live is dropped.
        revocations.revoke("id4", until: 300, now: 150)
        #expect(revocations.count == 2 && revocations.dropped == 1)
        #expect(!revocations.isRevoked("id3", now: 200))
        #expect(revocations.isRevoked("id4", now: 299))
        // Revoking the same id again does not take a second place.
        revocations.revoke("id4", until: 300, now: 150)
        #expect(revocations.count == 2)
        // Many generations through a small list: it stays bounded and keeps the newest.
        for i in 0..<1000 { revocations.revoke("bulk\(i)", until: 10_000, now: 200) }
        #expect(revocations.count == 3 && revocations.isRevoked("bulk999", now: 200) && !revocations.isRevoked("bulk0", now: 200))
    }
}
