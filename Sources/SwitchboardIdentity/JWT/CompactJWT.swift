import SwitchboardCore

/// A JWS in compact serialisation (`header.payload.signature`), split and with its header read.
/// The payload is decoded only after the signature has been checked.
struct CompactJWT {
    /// Far above real access tokens (a few KiB with many groups), far below what would make
    /// hashing or base64 decoding a cost an attacker could multiply.
    static let maxLength = 16 * 1024

    let algorithm: String
    let keyID: String?
    /// `header.payload`, the bytes the signature covers.
    let signingInput: ArraySlice<UInt8>
    let signature: [UInt8]
    private let payloadSegment: ArraySlice<UInt8>

    init(_ token: String) throws(TokenRejection) {
        let bytes = Array(token.utf8)
        guard bytes.count <= Self.maxLength else { throw .malformed }
        let dot = UInt8(ascii: ".")
        guard let first = bytes.firstIndex(of: dot),
            let second = bytes[(first + 1)...].firstIndex(of: dot),
            !bytes[(second + 1)...].contains(dot)
        else { throw .malformed }

        guard let headerBytes = Self.decode(bytes[..<first]),
            let header = ClaimValue.object(decoding: headerBytes),
            // An empty signature is well-formed (`alg: none`); the algorithm check refuses it.
            let signature = Base64URL.decode(String(decoding: bytes[(second + 1)...], as: UTF8.self))
        else { throw .malformed }
        // RFC 7515 §4.1.11: extensions the recipient does not understand must be refused, and
        // this verifier understands none.
        guard header["crit"] == nil else { throw .malformed }
        guard case .string(let algorithm)? = header["alg"] else { throw .malformed }
        switch header["kid"] {
        case .string(let kid)?: keyID = kid
        case nil: keyID = nil
        default: throw .malformed
        }
        self.algorithm = algorithm
        self.signature = signature
        signingInput = bytes[..<second]
        payloadSegment = bytes[(first + 1)..<second]
    }

    /// The payload's claims; call after the signature is known to be good.
    func claims() throws(TokenRejection) -> [String: ClaimValue] {
        guard let bytes = Self.decode(payloadSegment), let claims = ClaimValue.object(decoding: bytes) else {
            throw .malformed
        }
        return claims
    }

    private static func decode(_ segment: ArraySlice<UInt8>) -> [UInt8]? {
        guard !segment.isEmpty else { return nil }
        return Base64URL.decode(String(decoding: segment, as: UTF8.self))
    }
}
