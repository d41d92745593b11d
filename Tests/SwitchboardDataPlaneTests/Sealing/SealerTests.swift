import Synchronization
import Testing
import SwitchboardCore
@testable import SwitchboardDataPlane

/// A clock the test moves by hand.
final class TestUnixClock: Sendable {
    private let seconds: Mutex<Int64>
    init(_ start: Int64 = 1_800_000_000) { seconds = Mutex(start) }
    func advance(by delta: Int64) { seconds.withLock { $0 += delta } }
    var now: @Sendable () -> Int64 { { self.seconds.withLock { $0 } } }
}

@Suite struct SealerTests {
    static let secretA = "correct horse battery staple, the first of two"
    static let secretB = "the newer secret, at least thirty-two characters long"
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    let payload = Array(#"{"anything":"the caller wants to get back"}"#.utf8)

    func sealer(_ secrets: [String], clock: TestUnixClock = TestUnixClock()) throws -> Sealer {
        Sealer(keyRing: try #require(SealKeyRing(secrets: secrets)), now: clock.now)
    }

    @Test func roundTripsAndCarriesItsTimes() throws {
        let clock = TestUnixClock()
        let sealer = try sealer([Self.secretA], clock: clock)
        let token = sealer.seal(payload, purpose: "session", ttl: .seconds(90))
        let opened = try #require(sealer.openWithTimes(token, purpose: "session"))
        #expect(opened.payload == payload)
        #expect(opened.issuedAt == clock.now())
        #expect(opened.expiresAt == clock.now() + 90)
        #expect(sealer.open(token, purpose: "session") == payload)
        #expect(sealer.open(sealer.seal([], purpose: "session", ttl: .seconds(1)), purpose: "session") == [])
    }

    /// Visible ASCII 0x21–0x7E is what the spec allows in `Mcp-Session-Id` (digest §1.3).
    @Test func tokensAreURLSafeVisibleASCII() throws {
        let sealer = try sealer([Self.secretA])
        for size in [0, 1, 2, 3, 100, 4000] {
            let token = sealer.seal(Array(repeating: 0xFF, count: size), purpose: "session", ttl: .seconds(60))
            #expect(token.utf8.allSatisfy { (0x21...0x7E).contains($0) })
            #expect(token.utf8.allSatisfy { Self.alphabet.contains($0) })
        }
    }

    /// Nonces are random: the same payload never gives the same token twice.
    @Test func sealingTwiceGivesTwoTokens() throws {
        let sealer = try sealer([Self.secretA])
        #expect(sealer.seal(payload, purpose: "p", ttl: .seconds(60)) != sealer.seal(payload, purpose: "p", ttl: .seconds(60)))
    }

    @Test func everyFlippedByteIsRejected() throws {
        let sealer = try sealer([Self.secretA])
        let token = sealer.seal(payload, purpose: "session", ttl: .seconds(60))
        let bytes = try #require(Base64URL.decode(token))
        for index in bytes.indices {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var tampered = bytes
                tampered[index] ^= mask
                #expect(sealer.open(Base64URL.encode(tampered), purpose: "session") == nil, "byte \(index) ^ \(mask)")
            }
        }
        #expect(sealer.open(Base64URL.encode(bytes.dropLast()), purpose: "session") == nil)
        #expect(sealer.open(Base64URL.encode(bytes + [0]), purpose: "session") == nil)
    }

    /// Every other character in every position, including spellings that decode to the same
    /// bytes (the spare low bits of the last character): one token, one spelling.
    @Test func everyChangedCharacterIsRejected() throws {
        let sealer = try sealer([Self.secretA])
        let token = Array(sealer.seal(Array(payload.prefix(10)), purpose: "session", ttl: .seconds(60)).utf8)
        for index in token.indices {
            for replacement in Self.alphabet where replacement != token[index] {
                var changed = token
                changed[index] = replacement
                #expect(sealer.open(String(decoding: changed, as: UTF8.self), purpose: "session") == nil)
            }
        }
    }

    @Test func wrongPurposeIsRejected() throws {
        let sealer = try sealer([Self.secretA])
        let token = sealer.seal(payload, purpose: "session", ttl: .seconds(60))
        #expect(sealer.open(token, purpose: "mrtr") == nil)
        #expect(sealer.open(token, purpose: "Session") == nil)
        #expect(sealer.open(token, purpose: "") == nil)
        #expect(sealer.open(sealer.seal(payload, purpose: "mrtr", ttl: .seconds(60)), purpose: "session") == nil)
    }

    @Test func expiredIsRejected() throws {
        let clock = TestUnixClock()
        let sealer = try sealer([Self.secretA], clock: clock)
        let token = sealer.seal(payload, purpose: "session", ttl: .seconds(60))
        clock.advance(by: 59)
        #expect(sealer.open(token, purpose: "session") == payload)
        clock.advance(by: 1)
        #expect(sealer.open(token, purpose: "session") == nil)
        // Below a second still gives a token that opens at once.
        #expect(sealer.open(sealer.seal(payload, purpose: "s", ttl: .milliseconds(10)), purpose: "s") == payload)
    }

    @Test func rotationOpensOldTokensAndSealsWithTheNewKey() throws {
        let clock = TestUnixClock()
        let old = try sealer([Self.secretA], clock: clock)
        let rotated = try sealer([Self.secretB, Self.secretA], clock: clock)
        let newOnly = try sealer([Self.secretB], clock: clock)
        let oldToken = old.seal(payload, purpose: "session", ttl: .seconds(60))
        #expect(rotated.open(oldToken, purpose: "session") == payload)
        let newToken = rotated.seal(payload, purpose: "session", ttl: .seconds(60))
        #expect(newOnly.open(newToken, purpose: "session") == payload)
        #expect(old.open(newToken, purpose: "session") == nil)
        #expect(newOnly.open(oldToken, purpose: "session") == nil)
        // The key id in the token names the sealing key.
        let rotatedRing = try #require(SealKeyRing(secrets: [Self.secretB, Self.secretA]))
        let id = try #require(Base64URL.decode(newToken))[1..<5].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(id == rotatedRing.keys[0].id)
        #expect(rotatedRing.keys[0].id != rotatedRing.keys[1].id)
    }

    /// Same secret, same key: what lets another replica, or this one after a restart, open.
    @Test func keysAreDerivedDeterministically() throws {
        let a = try sealer([Self.secretA])
        let b = try sealer([Self.secretA])
        #expect(b.open(a.seal(payload, purpose: "session", ttl: .seconds(60)), purpose: "session") == payload)
        #expect(try #require(SealKeyRing(secrets: [Self.secretA, Self.secretA])).keys.count == 1)
        #expect(SealKeyRing(secrets: []) == nil)
    }

    @Test func unknownKeyIDIsRejected() throws {
        let sealer = try sealer([Self.secretA])
        var bytes = try #require(Base64URL.decode(sealer.seal(payload, purpose: "session", ttl: .seconds(60))))
        let known = sealer.keyRing.keys[0].id
        let other = known &+ 1
        for (offset, shift) in zip(1...4, stride(from: 24, through: 0, by: -8)) { bytes[offset] = UInt8(truncatingIfNeeded: other >> UInt32(shift)) }
        #expect(sealer.open(Base64URL.encode(bytes), purpose: "session") == nil)
        // A random key ring opens none of a configured ring's tokens, and the reverse.
        let random = Sealer(keyRing: .random())
        #expect(random.open(sealer.seal(payload, purpose: "session", ttl: .seconds(60)), purpose: "session") == nil)
        #expect(sealer.open(random.seal(payload, purpose: "session", ttl: .seconds(60)), purpose: "session") == nil)
    }

    @Test(arguments: ["", "!", "not base64 at all", "AAAA", String(repeating: "A", count: 100), String(repeating: "A", count: 20_000)])
    func garbageIsRejected(_ token: String) throws {
        #expect(try sealer([Self.secretA]).open(token, purpose: "session") == nil)
    }
}
