package import SwitchboardCore

/// JSON written one way only (RFC 8785, JCS): members sorted by key (UTF-16 code units),
/// numbers as ECMAScript writes them (`5000.0` is `5000`, `1E3` is `1000`), strings with the
/// minimal escapes, no whitespace. Two definitions that differ only in key order, property
/// order or number spelling are the same bytes, so their pins are equal; any change of text,
/// even a no-break space for a space, is not.
///
/// One departure, for JSON Schema: the arrays of `required` and `type` are sets, and written
/// sorted, so listing the same required properties in another order is no change either.
package enum CanonicalJSON {
    package static func write(_ value: JSONView) -> [UInt8] {
        var out: [UInt8] = []
        write(value, parentKey: nil, into: &out)
        return out
    }

    private static let setKeys: Set<String> = ["required", "type"]

    private static func write(_ value: JSONView, parentKey: String?, into out: inout [UInt8]) {
        switch value.kind {
        case .object:
            let members = value.members.sorted { Array($0.key.utf16).lexicographicallyPrecedes(Array($1.key.utf16)) }
            out.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                string(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, parentKey: member.key, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array:
            var elements = value.elements.map { element -> [UInt8] in
                var bytes: [UInt8] = []
                write(element, parentKey: nil, into: &bytes)
                return bytes
            }
            if let parentKey, setKeys.contains(parentKey) { elements.sort { $0.lexicographicallyPrecedes($1) } }
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out += element
            }
            out.append(UInt8(ascii: "]"))
        case .string:
            string(value.string ?? "", into: &out)
        case .number:
            out += Array(number(value.rawText).utf8)
        case .bool:
            out += Array((value.bool == true ? "true" : "false").utf8)
        case .null:
            out += Array("null".utf8)
        }
    }

    private static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A JSON number as ECMAScript's `Number.prototype.toString` writes the double it denotes.
    package static func number(_ text: String) -> String {
        guard let value = Double(text), value.isFinite else { return text }
        if value == 0 { return "0" }
        // Swift's description is the shortest digits that round-trip; only the layout differs.
        var description = value.magnitude.description
        var exponent = 0
        if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(description[description.index(after: e)...]) ?? 0
            description = String(description[..<e])
        }
        let parts = description.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = whole + fraction
        // The decimal point sits after `point` digits of `digits`.
        var point = whole.count + exponent
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        let k = digits.count
        let n = point
        var out: String
        if k <= n && n <= 21 {
            out = digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            out = String(digits.prefix(n)) + "." + String(digits.dropFirst(n))
        } else if -6 < n && n <= 0 {
            out = "0." + String(repeating: "0", count: -n) + digits
        } else {
            let e = n - 1
            out = String(digits.prefix(1)) + (k > 1 ? "." + String(digits.dropFirst()) : "") + "e" + (e < 0 ? "-" : "+") + String(abs(e))
        }
        return (value < 0 ? "-" : "") + out
    }
}
