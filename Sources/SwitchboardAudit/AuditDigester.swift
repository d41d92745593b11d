import Crypto
import Foundation
import SwitchboardCore

/// Keyed digests of arguments and results for audit records: HMAC-SHA-256 over the exact
/// bytes, written `hmac-sha256:<key id>:<base64url>`. A plain hash of low-entropy arguments
/// ("delete user 42") could be reversed by trying candidates; with a key only its holder can
/// check that a record matches a given payload. The key id is the first 4 bytes of the key's
/// SHA-256, in hex, so a rotated key's digests stay attributable.
package struct AuditDigester: Sendable {
    /// The keyed state, made once: each digest copies it rather than keying HMAC again.
    private let keyed: HMAC<SHA256>
    package let keyID: String

    package init(key: [UInt8]) {
        keyed = HMAC<SHA256>(key: SymmetricKey(data: key))
        keyID = SHA256.hash(data: key).prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    package func digest(_ bytes: UnsafeRawBufferPointer) -> String {
        var mac = keyed
        mac.update(data: bytes)
        return "hmac-sha256:" + keyID + ":" + mac.finalize().withUnsafeBytes { Base64URL.encode($0) }
    }

    package func digest(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { digest($0) }
    }
}
