import Crypto
import SwitchboardCore

extension Sealer {
    /// Base64URL characters of a tag (16 bytes of HMAC-SHA256).
    static let tagTextCount = 22

    /// A deterministic MAC of `message` for `purpose` with the sealing key: the same input
    /// always gives the same tag, so ids that carry one stay stable, and nobody without the
    /// keys can make one for another purpose (another caller, another id).
    package func tag(_ message: String, purpose: String) -> String {
        Self.tag(message, purpose: purpose, key: keyRing.sealing.key)
    }

    /// Whether `tag` was made for `message` and `purpose` with any key of the ring (keys rotate).
    package func verify(tag: Substring, message: String, purpose: String) -> Bool {
        keyRing.keys.contains { key in
            let expected = Self.tag(message, purpose: purpose, key: key.key)
            // Constant time: compare every byte whatever the first difference.
            return expected.utf8.count == tag.utf8.count && zip(expected.utf8, tag.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    private static func tag(_ message: String, purpose: String, key: SymmetricKey) -> String {
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array(("tag:" + purpose).utf8), outputByteCount: 32)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: derived)
        return Base64URL.encode(Array(mac).prefix(16))
    }
}
