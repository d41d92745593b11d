/// A request target's query (`a=1&b=x%20y`), as the admin API, the console's sign-in, the
/// OAuth consent callback and the REST front door read it: `+` is a space (form encoding), the
/// rest percent-decoded.
package enum QueryString {
    /// Every `name=value` pair in order; a value that does not decode is empty.
    package static func pairs(_ query: Substring) -> [(String, String)] {
        query.split(separator: "&").filter { !$0.isEmpty }.map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? decode(parts[1]) ?? "" : "")
        }
    }

    /// The first value of `name`; nil when absent or not decodable.
    package static func value(_ name: String, in query: Substring) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0] == Substring(name) else { continue }
            return parts.count > 1 ? decode(parts[1]) : ""
        }
        return nil
    }

    /// `+` as a space, `%XX` as its byte; nil for a broken escape or bytes that are not UTF-8.
    package static func decode(_ text: Substring, plusIsSpace: Bool = true) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var input = text.utf8[...]
        while let byte = input.popFirst() {
            switch byte {
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = input.popFirst().flatMap(HexDigit.value), let low = input.popFirst().flatMap(HexDigit.value) else { return nil }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
