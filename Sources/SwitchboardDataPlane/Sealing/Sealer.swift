import Crypto
import SwitchboardCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Seals small payloads into opaque, tamper-proof, expiring tokens (AES-256-GCM), so that
/// state a client carries — a session id, an MRTR `requestState` — can be trusted by any
/// replica holding the same keys, after a restart too, with nothing stored.
///
/// A token is Base64URL (visible ASCII, as session ids must be) of
/// `version(1) | keyID(4) | nonce(12) | ciphertext | tag(16)`, where the plaintext is
/// `issuedAt(8) | expiresAt(8) | payload` (Unix seconds, big-endian). The `purpose` is
/// authenticated but not carried: a token sealed for one purpose never opens for another.
/// Opening answers nil for every failure alike, so a caller cannot become an oracle.
package struct Sealer: Sendable {
    /// What `open` recovers besides the payload.
    package struct Opened: Sendable {
        package var payload: [UInt8]
        /// Unix seconds.
        package var issuedAt: Int64
        package var expiresAt: Int64
    }

    package let keyRing: SealKeyRing
    /// Unix seconds; injected so tests can move time.
    private let now: @Sendable () -> Int64

    package init(keyRing: SealKeyRing, now: @escaping @Sendable () -> Int64 = Sealer.unixTime) {
        self.keyRing = keyRing
        self.now = now
    }

    static let version: UInt8 = 1
    static let headerCount = 1 + 4
    static let nonceCount = 12
    static let tagCount = 16
    static let timesCount = 16
    /// Longer tokens are refused before decoding: nothing the gateway seals comes close, and a
    /// client should not make it decode megabytes.
    static let maxTokenLength = 16 * 1024

    package func seal(_ payload: [UInt8], purpose: String, ttl: Duration) -> String {
        let key = keyRing.sealing
        let issuedAt = now()
        var plaintext: [UInt8] = []
        plaintext.reserveCapacity(Self.timesCount + payload.count)
        plaintext.appendBigEndian(issuedAt)
        plaintext.appendBigEndian(issuedAt + Self.seconds(ttl))
        plaintext += payload
        var header: [UInt8] = [Self.version]
        header.appendBigEndian(key.id)
        // Only a key of the wrong size makes this throw, and every key is derived at 256 bits.
        let box = try! AES.GCM.seal(plaintext, using: key.key, authenticating: Self.aad(header: header, purpose: purpose))
        var token = header
        token.reserveCapacity(header.count + Self.nonceCount + plaintext.count + Self.tagCount)
        token += box.nonce
        token += box.ciphertext
        token += box.tag
        return Base64URL.encode(token)
    }

    package func open(_ token: String, purpose: String) -> [UInt8]? {
        openWithTimes(token, purpose: purpose)?.payload
    }

    package func openWithTimes(_ token: String, purpose: String) -> Opened? {
        guard token.utf8.count <= Self.maxTokenLength, let bytes = Base64URL.decode(token),
            bytes.count >= Self.headerCount + Self.nonceCount + Self.timesCount + Self.tagCount,
            bytes[0] == Self.version,
            // One token, one spelling: Base64URL ignores the spare low bits of the last
            // character, and a second spelling of an ended session id would slip past the list
            // of ended ids.
            Base64URL.encode(bytes) == token
        else { return nil }
        let header = bytes[0..<Self.headerCount]
        let keyID = header.dropFirst().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let nonceEnd = Self.headerCount + Self.nonceCount
        let tagStart = bytes.count - Self.tagCount
        guard let nonce = try? AES.GCM.Nonce(data: bytes[Self.headerCount..<nonceEnd]),
            let box = try? AES.GCM.SealedBox(nonce: nonce, ciphertext: bytes[nonceEnd..<tagStart], tag: bytes[tagStart...])
        else { return nil }
        let aad = Self.aad(header: Array(header), purpose: purpose)
        for key in keyRing.keys(withID: keyID) {
            guard let plaintext = try? AES.GCM.open(box, using: key.key, authenticating: aad) else { continue }
            let opened = Array(plaintext)
            let issuedAt = Int64(bigEndianBytes: opened[0..<8])
            let expiresAt = Int64(bigEndianBytes: opened[8..<16])
            guard now() < expiresAt else { return nil }
            return Opened(payload: Array(opened[Self.timesCount...]), issuedAt: issuedAt, expiresAt: expiresAt)
        }
        return nil
    }

    /// The header as sent, plus the purpose, which is not sent: both authenticated.
    private static func aad(header: [UInt8], purpose: String) -> [UInt8] {
        Array("switchboard seal\0".utf8) + header + Array(purpose.utf8)
    }

    /// Whole seconds, rounded up so that a ttl below a second still gives a usable token.
    static func seconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(1, seconds + (attoseconds > 0 ? 1 : 0))
    }

    /// Wall-clock time: tokens outlive the process and cross machines, so a monotonic clock
    /// would not do.
    package static let unixTime: @Sendable () -> Int64 = {
        Int64(Date().timeIntervalSince1970)
    }
}

extension [UInt8] {
    fileprivate mutating func appendBigEndian(_ value: some FixedWidthInteger) {
        let size = MemoryLayout.size(ofValue: value)
        for shift in stride(from: (size - 1) * 8, through: 0, by: -8) {
            append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }
}

extension Int64 {
    fileprivate init(bigEndianBytes bytes: ArraySlice<UInt8>) {
        self = bytes.reduce(0) { $0 << 8 | Int64($1) }
    }
}
