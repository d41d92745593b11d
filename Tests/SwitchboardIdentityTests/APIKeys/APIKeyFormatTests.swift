import Testing
@testable import SwitchboardIdentity
import SwitchboardCore

@Suite struct APIKeyFormatTests {
    /// A deterministic generator so the shape checks do not depend on luck.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
    }

    @Test func aNewKeyHasTheDocumentedShape() {
        let (id, key) = APIKeyFormat.newKey()
        #expect(key.utf8.count == 59)
        #expect(key.hasPrefix("sb_" + id + "_"))
        #expect(id.utf8.count == 12)
        #expect(id.allSatisfy { ("a"..."z").contains($0) || ("2"..."7").contains($0) })
        #expect(APIKeyFormat.isWellFormed(key))
        #expect(APIKeyFormat.keyID(in: key) == id)
        #expect(APIKeyFormat.isKeyID(id))
    }

    @Test func keysAndIDsDoNotRepeat() {
        let keys = (0..<200).map { _ in APIKeyFormat.newKey() }
        #expect(Set(keys.map(\.key)).count == 200)
        #expect(Set(keys.map(\.id)).count == 200)
    }

    @Test func theSecretCarriesThirtyTwoBytes() {
        var generator = SeededGenerator(state: 7)
        let key = APIKeyFormat.newKey(id: "abcdefgh2345", using: &generator)
        let secret = String(key.dropFirst(16))
        #expect(Base64URL.decode(secret)?.count == 32)
    }

    @Test(arguments: [
        ("", "empty"),
        ("sb_", "prefix only"),
        ("Bearer sb_abcdefgh2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "scheme left in"),
        ("sk_abcdefgh2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "wrong prefix"),
        ("sb_ABCDEFGH2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "uppercase id"),
        ("sb_abcdefgh2381_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "id outside base32"),
        ("sb_abcdefgh2345-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "no separator"),
        ("sb_abcdefgh2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "secret one short"),
        ("sb_abcdefgh2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "secret one long"),
        ("sb_abcdefgh2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "padding"),
        ("sb_abcdefgh2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+", "base64, not base64url"),
        ("sb_abcdefgh2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAé", "non-ASCII"),
    ])
    func malformedTextIsRejected(text: String, why: String) {
        #expect(!APIKeyFormat.isWellFormed(text), "\(why)")
        #expect(APIKeyFormat.keyID(in: text) == nil, "\(why)")
    }

    @Test func wellFormedTextWithDashesAndUnderscoresInTheSecretIsAccepted() {
        #expect(APIKeyFormat.isWellFormed("sb_abcdefgh2345_-_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
        #expect(APIKeyFormat.isWellFormed(Substring("xsb_abcdefgh2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".dropFirst())))
    }

    @Test(arguments: ["abcdefgh2345", "zzzzzzzzzzzz"])
    func idsAreRecognised(text: String) {
        #expect(APIKeyFormat.isKeyID(text))
    }

    @Test(arguments: ["ci-bot", "abcdefgh234", "abcdefgh23456", "abcdefgh2341", "ABCDEFGH2345"])
    func namesAreNotIDs(text: String) {
        #expect(!APIKeyFormat.isKeyID(text))
    }
}
