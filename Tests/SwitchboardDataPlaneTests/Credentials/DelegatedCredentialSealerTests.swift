import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardDataPlane

/// Delegated tokens sealed for the store: they open for their own principal and server only,
/// with the configured keys only, and not after their expiry.
@Suite struct DelegatedCredentialSealerTests {
    static let key = "a seal key of at least thirty-two characters"
    static let rotated = "the next seal key, also thirty-two characters or more"
    static let token = "eyJhbGciOiJSUzI1NiJ9.upstream-token-for-alice.sig"

    func sealer(_ keys: [String] = [key], clock: TestUnixClock) throws -> DelegatedCredentialSealer {
        try #require(DelegatedCredentialSealer(sealKeys: keys, now: clock.now))
    }

    @Test func roundTripsWithoutShowingTheToken() throws {
        let clock = TestUnixClock()
        let sealer = try sealer(clock: clock)
        let sealed = sealer.seal(Self.token, principal: "key:alice", server: "crm", expiresAt: nil)
        #expect(!sealed.contains(Self.token) && !sealed.contains("alice"))
        #expect(sealer.open(sealed, principal: "key:alice", server: "crm") == Self.token)
        // Sealing twice gives two ciphertexts (fresh nonce), both opening.
        let again = sealer.seal(Self.token, principal: "key:alice", server: "crm", expiresAt: nil)
        #expect(again != sealed)
        #expect(sealer.open(again, principal: "key:alice", server: "crm") == Self.token)
    }

    /// A row copied to another principal or server, or read with another purpose, does not open.
    @Test(arguments: [
        ("key:bob", "crm"),
        ("key:alice", "billing"),
        ("jwt:alice", "crm"),
        ("key:alicecrm", ""),
        ("key:alice\u{0}crm", ""),
    ])
    func theSealedValueIsBoundToItsRow(principal: String, server: String) throws {
        let sealer = try sealer(clock: TestUnixClock())
        let sealed = sealer.seal(Self.token, principal: "key:alice", server: "crm", expiresAt: nil)
        #expect(sealer.open(sealed, principal: principal, server: server) == nil)
    }

    @Test func otherPurposesAndKeysDoNotOpenIt() throws {
        let clock = TestUnixClock()
        let sealer = try sealer(clock: clock)
        let sealed = sealer.seal(Self.token, principal: "key:alice", server: "crm", expiresAt: nil)
        // A session token sealer with the same keys cannot read it as a session id, nor the reverse.
        let sessions = Sealer(keyRing: try #require(SealKeyRing(secrets: [Self.key])), now: clock.now)
        #expect(sessions.open(sealed, purpose: SessionTokens.purpose) == nil)
        let session = sessions.seal(Array(Self.token.utf8), purpose: SessionTokens.purpose, ttl: .seconds(60))
        #expect(sealer.open(session, principal: "key:alice", server: "crm") == nil)

        // Rotation: the old key kept second still opens; once dropped, nothing does.
        let rotated = try self.sealer([Self.rotated, Self.key], clock: clock)
        #expect(rotated.open(sealed, principal: "key:alice", server: "crm") == Self.token)
        let dropped = try self.sealer([Self.rotated], clock: clock)
        #expect(dropped.open(sealed, principal: "key:alice", server: "crm") == nil)

        // One character changed: refused.
        var bytes = Array(sealed.utf8)
        bytes[bytes.count / 2] = bytes[bytes.count / 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(sealer.open(String(decoding: bytes, as: UTF8.self), principal: "key:alice", server: "crm") == nil)
        #expect(DelegatedCredentialSealer(sealKeys: []) == nil, "no keys, no sealer")
    }

    @Test func anExpiryEndsTheSealToo() throws {
        let clock = TestUnixClock()
        let sealer = try sealer(clock: clock)
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(clock.now() + 100))
        let sealed = sealer.seal(Self.token, principal: "key:alice", server: "crm", expiresAt: expiresAt)
        clock.advance(by: 99)
        #expect(sealer.open(sealed, principal: "key:alice", server: "crm") == Self.token)
        clock.advance(by: 1)
        #expect(sealer.open(sealed, principal: "key:alice", server: "crm") == nil)

        // No expiry: ten years.
        let lasting = sealer.seal(Self.token, principal: "key:alice", server: "crm", expiresAt: nil)
        clock.advance(by: 9 * 365 * 86_400)
        #expect(sealer.open(lasting, principal: "key:alice", server: "crm") == Self.token)
        clock.advance(by: 2 * 365 * 86_400)
        #expect(sealer.open(lasting, principal: "key:alice", server: "crm") == nil)
    }

    /// The longest token allowed still opens after sealing (the sealed form has a size limit).
    @Test func theLongestTokenAllowedSurvivesSealing() throws {
        let sealer = try sealer(clock: TestUnixClock())
        let longest = String(repeating: "x", count: DelegatedCredentialRules.maxTokenLength)
        #expect(DelegatedCredentialRules.problem(withToken: longest) == nil)
        let sealed = sealer.seal(longest, principal: "key:alice", server: "crm", expiresAt: nil)
        #expect(sealer.open(sealed, principal: "key:alice", server: "crm") == longest)
    }
}
