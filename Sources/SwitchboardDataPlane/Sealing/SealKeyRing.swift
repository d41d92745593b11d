import Crypto

/// The AES-256 keys a `Sealer` uses: the first seals, every one opens. Rotation is adding the
/// new secret first and keeping the old one until the tokens it sealed have expired.
///
/// Keys are derived from configured secrets with HKDF-SHA256, so an operator's secret is never
/// used as a key directly and the same secret gives the same key on every replica. Each key has
/// a 4-byte id, derived the same way, that travels in the token: opening looks the key up
/// instead of trying them all, and the id says nothing about the key.
package struct SealKeyRing: Sendable {
    package struct Key: Sendable {
        package let id: UInt32
        let key: SymmetricKey
    }

    /// Newest first; `keys[0]` seals.
    package let keys: [Key]

    /// Keys from `secrets`, newest first; nil when there are none. A secret listed twice is
    /// kept once.
    package init?(secrets: [String]) {
        var keys: [Key] = []
        var seen: Set<String> = []
        for secret in secrets where seen.insert(secret).inserted {
            keys.append(Self.derive(from: SymmetricKey(data: Array(secret.utf8))))
        }
        guard !keys.isEmpty else { return nil }
        self.keys = keys
    }

    /// One key from the system CSPRNG: tokens die with the process.
    package static func random() -> SealKeyRing {
        SealKeyRing(keys: [derive(from: SymmetricKey(size: .bits256))])
    }

    private init(keys: [Key]) {
        self.keys = keys
    }

    var sealing: Key { keys[0] }

    /// Every key with `id`: normally one, but two secrets may share an id (one chance in 2^32),
    /// and then both are tried rather than one being unreachable.
    func keys(withID id: UInt32) -> some Sequence<Key> {
        keys.lazy.filter { $0.id == id }
    }

    // Fixed labels: changing them invalidates every token in circulation.
    private static let salt = Array("switchboard seal v1".utf8)

    private static func derive(from material: SymmetricKey) -> Key {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: material, salt: salt, info: Array("aes-256-gcm key".utf8), outputByteCount: 32
        )
        let idKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: material, salt: salt, info: Array("key id".utf8), outputByteCount: 4
        )
        let id = idKey.withUnsafeBytes { raw in raw.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        return Key(id: id, key: key)
    }
}
