import Crypto
import Foundation
import SwitchboardCore

/// Signed checkpoints (`audit.checkpoint`): at intervals the journal signs its head with an
/// Ed25519 key. The chain alone shows a changed or removed record, but not a trail rewritten
/// from some point on with every hash recomputed, nor its end cut off; a checkpoint signed with
/// a key kept away from the journal (its public half copied elsewhere) shows both.
///
/// A checkpoint record signs the record just before it: the message is "SBC1", that record's
/// seq in decimal, ":" and its hash as stored (the checkpoint's own `prev`), so the record
/// carries only the signer's key id and the signature.
package struct AuditSigner: Sendable {
    private let key: Curve25519.Signing.PrivateKey
    package let keyID: String
    /// The public key, base64url (what `checkpoint.pub` lists).
    package let publicKey: String

    /// `seed` is the key's 32 bytes (the raw representation).
    package init(seed: [UInt8]) throws(AuditFailure) {
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        } catch {
            throw AuditFailure("the audit signing key is not an Ed25519 key (32 bytes)")
        }
        publicKey = Base64URL.encode(Array(key.publicKey.rawRepresentation))
        keyID = Self.keyID(Array(key.publicKey.rawRepresentation))
    }

    /// The first 4 bytes of the public key's SHA-256, in hex.
    package static func keyID(_ publicKey: [UInt8]) -> String {
        SHA256.hash(data: publicKey).prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    package static func message(seq: UInt64, hash: some Collection<UInt8>) -> [UInt8] {
        Array("SBC1\(seq):".utf8) + hash
    }

    /// The signature of the record `seq` whose stored hash is `hash`, base64url.
    package func sign(seq: UInt64, hash: some Collection<UInt8>) -> String {
        let signature = (try? key.signature(for: Self.message(seq: seq, hash: hash))) ?? Data()
        return Base64URL.encode(Array(signature))
    }
}

/// The public keys a checkpoint may be signed with, by key id: `checkpoint.pub` lines
/// (`<key id> <public key>`), or a copy kept elsewhere.
package struct AuditTrustedKeys: Sendable {
    private var keys: [String: Curve25519.Signing.PublicKey] = [:]

    package var isEmpty: Bool { keys.isEmpty }

    package init() {}

    /// Parses `<key id> <base64url public key>` lines; blank lines and `#` comments are skipped.
    package init(parsing text: String, source: String) throws(AuditFailure) {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, let raw = Base64URL.decode(String(parts[1])),
                let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw), AuditSigner.keyID(raw) == parts[0]
            else {
                throw AuditFailure("\(source) line \(index + 1): not \"<key id> <Ed25519 public key, base64url>\"")
            }
            keys[String(parts[0])] = key
        }
    }

    /// Whether `signature` (base64url) by key `keyID` signs record `seq` with hash `hash`; nil
    /// when the key is not trusted.
    package func holds(signature: String, keyID: String, seq: UInt64, hash: some Collection<UInt8>) -> Bool? {
        guard let key = keys[keyID] else { return nil }
        guard let bytes = Base64URL.decode(signature) else { return false }
        return key.isValidSignature(bytes, for: AuditSigner.message(seq: seq, hash: hash))
    }
}
