/// One hex digit's value (either case), or nil: shared by percent-decoding (`QueryString`) and
/// the API keys' hex digests; and the upper-case digit of a nibble, for percent-encoding.
package enum HexDigit {
    /// `0`…`9`, `A`…`F` for 0…15 (RFC 3986 §2.1 prefers upper case).
    package static func upper(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }

    package static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
