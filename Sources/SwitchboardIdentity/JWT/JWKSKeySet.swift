import Foundation
import JWTKit
import SwitchboardCore

/// The usable signing keys of one JWKS document. Keys the gateway cannot or must not use are
/// left out rather than failing the whole set: encryption keys (`use: enc`), symmetric keys
/// (`kty: oct`), unknown types or curves, and RSA keys under 2048 bits.
struct JWKSKeySet: Sendable {
    enum Lookup {
        case found(JWKSKey)
        /// No key by that `kid`, or no `kid` while the set holds several keys.
        case unknown
        /// The key exists but cannot verify this algorithm (RS256 token, EC key).
        case algorithmMismatch
    }

    let keys: [JWKSKey]
    /// How many entries of the document were left out.
    let skipped: Int

    init(keys: [JWKSKey], skipped: Int = 0) {
        self.keys = keys
        self.skipped = skipped
    }

    /// Nil when the document is not a JWKS at all; a set without usable keys is returned empty.
    static func parse(_ bytes: [UInt8]) -> JWKSKeySet? {
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(bytes)) else { return nil }
        var keys: [JWKSKey] = []
        for entry in document.keys {
            guard entry.use == nil || entry.use == "sig", let jwk = entry.jwk else { continue }
            let key = JWKSKey(jwk: jwk)
            if key.isTooWeak { continue }
            keys.append(key)
        }
        return JWKSKeySet(keys: keys, skipped: document.keys.count - keys.count)
    }

    func lookup(keyID: String?, algorithm: JWTSigningAlgorithm) -> Lookup {
        let candidates: [JWKSKey]
        if let keyID {
            candidates = keys.filter { $0.keyID == keyID }
        } else {
            // Without a kid only an unambiguous set will do: never try keys in turn.
            candidates = keys.count == 1 ? keys : []
        }
        guard !candidates.isEmpty else { return .unknown }
        guard let key = candidates.first(where: { $0.supports(algorithm) }) else { return .algorithmMismatch }
        return .found(key)
    }

    /// Whether some key of `self` is missing from `newer`: tokens it signed must stop working.
    func losesKeys(in newer: JWKSKeySet) -> Bool {
        let kept = Set(newer.keys.map(\.fingerprint))
        return keys.contains { !kept.contains($0.fingerprint) }
    }

    private struct Document: Decodable {
        let keys: [Entry]
    }

    /// One entry, decoded leniently: a key jwt-kit cannot read becomes nil instead of failing
    /// the document.
    private struct Entry: Decodable {
        let jwk: JWK?
        let use: String?

        private enum CodingKeys: String, CodingKey { case use }

        init(from decoder: any Decoder) throws {
            let container = try? decoder.container(keyedBy: CodingKeys.self)
            use = try? container?.decodeIfPresent(String.self, forKey: .use)
            jwk = try? JWK(from: decoder)
        }
    }
}
