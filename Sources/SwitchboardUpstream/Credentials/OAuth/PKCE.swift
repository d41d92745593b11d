import Crypto
import SwitchboardCore

/// Proof Key for Code Exchange (RFC 7636) with S256: a fresh 256-bit verifier per
/// authorization, and its challenge.
package struct PKCE: Sendable, Equatable {
    package let verifier: String

    package init() {
        var generator = SystemRandomNumberGenerator()
        verifier = Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    package init(verifier: String) {
        self.verifier = verifier
    }

    package var challenge: String { Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8)))) }
}
