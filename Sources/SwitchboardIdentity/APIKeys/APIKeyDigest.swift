import Crypto
import SwitchboardCore

/// SHA-256 of a key's whole text: what the store keeps instead of the key, and what the
/// directory looks presented keys up by. Held as four words so that hashing it for a
/// dictionary lookup touches 32 bytes and allocates nothing.
package struct APIKeyDigest: Hashable, Sendable {
    private let w0, w1, w2, w3: UInt64

    /// The digest of `text` as presented (its UTF-8 bytes).
    package init(of text: Substring) { self.init(text: text) }
    package init(of text: String) { self.init(text: text) }

    /// Specialized for the two concrete callers above (see `APIKeyFormat.isWellFormed`).
    private init(text: some StringProtocol) {
        let digest =
            text.utf8.withContiguousStorageIfAvailable { Self.sha256(UnsafeRawBufferPointer($0)) }
            ?? Array(text.utf8).withUnsafeBytes { Self.sha256($0) }
        self = digest
    }

    /// From the 64 lowercase or uppercase hex digits the store keeps; nil for anything else.
    package init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var words = [UInt64](repeating: 0, count: 4)
        for (index, byte) in utf8.enumerated() {
            guard let nibble = HexDigit.value(byte) else { return nil }
            words[index / 16] = words[index / 16] << 4 | UInt64(nibble)
        }
        self.init(words[0], words[1], words[2], words[3])
    }

    private init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
    }

    /// 64 lowercase hex digits.
    package var hex: String {
        var out = ""
        out.reserveCapacity(64)
        for word in [w0, w1, w2, w3] {
            let digits = String(word, radix: 16)
            out += String(repeating: "0", count: 16 - digits.count) + digits
        }
        return out
    }

    private static func sha256(_ bytes: UnsafeRawBufferPointer) -> APIKeyDigest {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        return hasher.finalize().withUnsafeBytes { raw in
            func word(_ at: Int) -> UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at * 8, as: UInt64.self)) }
            return APIKeyDigest(word(0), word(1), word(2), word(3))
        }
    }
}
