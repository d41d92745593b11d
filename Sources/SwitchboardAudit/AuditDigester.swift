import Crypto
import Foundation
import SwitchboardCore

/// Keyed digests of arguments and results for audit records: HMAC-SHA-256 over the exact
/// bytes, written `hmac-sha256:<key id>:<base64url>`. A plain hash of low-entropy arguments
/// ("delete user 42") could be reversed by trying candidates; with a key only its holder can
/// check that a record matches a given payload. The key id is the first 4 bytes of the key's
/// SHA-256, in hex, so a rotated key's digests stay attributable.
///
/// HMAC is built here from two SHA-256 states keyed once (RFC 2104: the key XOR ipad and XOR
/// opad, one block each), because swift-crypto's generic `HMAC` walks its input as
/// `DataProtocol` regions and spent nine tenths of a digest's time around the hashing (two
/// digests per call); the test checks this against `HMAC<SHA256>` and RFC 4231.
package struct AuditDigester: Sendable {
    private let inner: SHA256
    private let outer: SHA256
    package let keyID: String
    /// `hmac-sha256:<key id>:`
    private let prefix: [UInt8]

    package init(key: [UInt8]) {
        // Keys longer than a block are hashed first (RFC 2104 §2).
        var block = key.count > 64 ? Array(SHA256.hash(data: key)) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: block.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
        keyID = SHA256.hash(data: key).prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        prefix = Array("hmac-sha256:\(keyID):".utf8)
    }

    package func digest(_ bytes: UnsafeRawBufferPointer) -> String {
        var innerHash = inner
        innerHash.update(bufferPointer: bytes)
        var outerHash = outer
        innerHash.finalize().withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        let prefix = prefix
        return outerHash.finalize().withUnsafeBytes { mac in
            let count = prefix.count + Base64URL.encodedCount(mac.count)
            return String(unsafeUninitializedCapacity: count) { out in
                let raw = UnsafeMutableRawBufferPointer(out)
                prefix.withUnsafeBytes { raw.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                Base64URL.encode(mac, into: UnsafeMutableRawBufferPointer(rebasing: raw[prefix.count...]))
                return count
            }
        }
    }

    package func digest(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { digest($0) }
    }
}
