import Crypto
import SwitchboardCore

/// Keyed digests of arguments and results for audit records: HMAC-SHA-256 over the exact
/// bytes, written `hmac-sha256:<key id>:<base64url>`. A plain hash of low-entropy arguments
/// ("delete user 42") could be reversed by trying candidates; with a key only its holder can
/// check that a record matches a given payload. The key id is the first 4 bytes of the key's
/// SHA-256, in hex, so a rotated key's digests stay attributable.
package struct AuditDigester: Sendable {
    private let key: SymmetricKey
    package let keyID: String

    package init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
        keyID = SHA256.hash(data: key).prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    package func digest<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let code = HMAC<SHA256>.authenticationCode(for: Array(bytes), using: key)
        return "hmac-sha256:" + keyID + ":" + Base64URL.encode(Array(code))
    }
}
