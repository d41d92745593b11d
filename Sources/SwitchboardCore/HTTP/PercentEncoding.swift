/// RFC 3986 percent-encoding (§2.1, upper-case digits): every byte but the unreserved
/// characters `A-Z a-z 0-9 - . _ ~` (and those `keeping` names) becomes `%XX`. For URL paths
/// and queries; a form body wants the form encoding (`+` for space) instead.
package enum PercentEncoding {
    /// RFC 3986's reserved characters, which an OpenAPI `allowReserved` query keeps.
    package static let reserved = Set(":/?#[]@!$&'()*+,;=".utf8)

    package static func encode(_ text: String, keeping: Set<UInt8> = []) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || keeping.contains(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(HexDigit.upper(byte >> 4))
                out.append(HexDigit.upper(byte & 0x0F))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }
}
