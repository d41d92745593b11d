import Testing
@testable import SwitchboardIdentity

@Suite struct APIKeyDigestTests {
    /// FIPS 180-2 test vector: a wrong byte order or word split would show here.
    @Test func matchesTheSHA256TestVector() {
        #expect(APIKeyDigest(of: "abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hexRoundTrips() throws {
        let digest = APIKeyDigest(of: "sb_abcdefgh2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        let parsed = try #require(APIKeyDigest(hex: digest.hex))
        #expect(parsed == digest)
        #expect(APIKeyDigest(hex: digest.hex.uppercased()) == digest)
    }

    @Test func substringAndStringDigestAlike() {
        let text = "xxsb_abcdefgh2345_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        #expect(APIKeyDigest(of: text.dropFirst(2)) == APIKeyDigest(of: String(text.dropFirst(2))))
        #expect(APIKeyDigest(of: text) != APIKeyDigest(of: String(text.dropFirst(2))))
    }

    @Test(arguments: ["", "abc", String(repeating: "g", count: 64), String(repeating: "a", count: 63), String(repeating: "a", count: 65)])
    func malformedHexIsRejected(hex: String) {
        #expect(APIKeyDigest(hex: hex) == nil)
    }
}
