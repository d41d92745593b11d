import SwitchboardCore

/// The text of an API key: `sb_` + key id (12 characters of lowercase base32) + `_` + secret
/// (32 random bytes, base64url without padding), 59 characters in all.
///
/// The id is not secret: `keys list` shows it and logs may name it. The secret carries 256 bits
/// of entropy, which is why a single SHA-256 of the whole text is a safe thing to store: there is
/// nothing to brute-force that a slow password hash would protect.
package enum APIKeyFormat {
    package static let prefix = "sb_"
    package static let idLength = 12
    /// 32 bytes in unpadded base64url.
    package static let secretLength = 43
    package static let secretByteCount = 32
    package static let length = prefix.utf8.count + idLength + 1 + secretLength

    /// RFC 4648 base32, lowercased: no padding, no look-alike `0`/`1`, safe in any shell.
    private static let idAlphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
    private static let idStart = 3
    private static let separatorOffset = idStart + idLength

    /// A fresh key id from `generator` (tests pass a seeded one; the store uses the system's).
    package static func newID(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(idLength)
        for _ in 0..<idLength {
            bytes.append(idAlphabet[Int.random(in: 0..<idAlphabet.count, using: &generator)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The full key text for `id` with a fresh secret from `generator`.
    package static func newKey(id: String, using generator: inout some RandomNumberGenerator) -> String {
        var secret = [UInt8]()
        secret.reserveCapacity(secretByteCount)
        for _ in 0..<secretByteCount { secret.append(UInt8.random(in: 0...255, using: &generator)) }
        return prefix + id + "_" + Base64URL.encode(secret)
    }

    /// A fresh key id and its key text, from the system's cryptographically secure generator.
    package static func newKey() -> (id: String, key: String) {
        var generator = SystemRandomNumberGenerator()
        let id = newID(using: &generator)
        return (id, newKey(id: id, using: &generator))
    }

    /// Whether `text` has the shape of a key. Checked before hashing so that garbage (a JWT,
    /// a typo, a huge header) costs a length comparison, not a digest.
    package static func isWellFormed(_ text: Substring) -> Bool { isWellFormedText(text) }
    package static func isWellFormed(_ text: String) -> Bool { isWellFormedText(text) }

    /// Generic, but only called above with concrete types, so it is specialized: on the request
    /// path an unspecialized call costs a metadata lookup per call. Header values are native
    /// strings, so the bytes are read from their contiguous storage.
    private static func isWellFormedText(_ text: some StringProtocol) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == length else { return false }
        return utf8.withContiguousStorageIfAvailable(isWellFormedBytes) ?? isWellFormedBytes(Array(utf8))
    }

    private static func isWellFormedBytes(_ bytes: some Collection<UInt8>) -> Bool {
        var offset = 0
        for byte in bytes {
            let ok: Bool
            switch offset {
            case 0: ok = byte == UInt8(ascii: "s")
            case 1: ok = byte == UInt8(ascii: "b")
            case 2, separatorOffset: ok = byte == UInt8(ascii: "_")
            case idStart..<separatorOffset: ok = isIDCharacter(byte)
            default: ok = isBase64URLCharacter(byte)
            }
            guard ok else { return false }
            offset += 1
        }
        return offset == length
    }

    /// Whether `text` starts like a key (`sb_`): such a bearer token is looked up as a key,
    /// never verified as a JWT (whose text starts `eyJ`).
    package static func hasKeyPrefix(_ text: Substring) -> Bool {
        text.utf8.starts(with: prefix.utf8)
    }

    /// The key id inside a well-formed key text, for logs that must not show the secret.
    package static func keyID(in text: some StringProtocol) -> String? {
        guard isWellFormedText(text) else { return nil }
        let bytes = text.utf8.dropFirst(idStart).prefix(idLength)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `text` could be a key id (`keys revoke` accepts an id or a name).
    package static func isKeyID(_ text: some StringProtocol) -> Bool {
        text.utf8.count == idLength && text.utf8.allSatisfy(isIDCharacter)
    }

    private static func isIDCharacter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "2")...UInt8(ascii: "7")).contains(byte)
    }

    private static func isBase64URLCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
