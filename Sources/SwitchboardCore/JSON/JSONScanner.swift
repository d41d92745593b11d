/// A validating, non-allocating JSON scanner over raw bytes. It finds where values start and
/// end; it never builds a tree. The data plane uses it to read the JSON-RPC envelope and the
/// few fields it routes on, and forwards everything else as the original bytes.
package struct JSONScanner {
    package enum Kind: UInt8, Sendable {
        case object, array, string, number, bool, null
    }

    package let bytes: UnsafeRawBufferPointer
    package let maxDepth: Int

    package init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Validates one complete document (a value surrounded only by whitespace).
    package func scanDocument() throws(JSONScanError) -> (kind: Kind, start: Int, end: Int) {
        let start = skipWhitespace(0)
        let (kind, end) = try scanValue(at: start, depth: 0)
        let rest = skipWhitespace(end)
        guard rest == bytes.count else { throw .unexpected(at: rest, "trailing characters after the JSON value") }
        return (kind, start, end)
    }

    package func skipWhitespace(_ from: Int) -> Int {
        var i = from
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return i
            }
        }
        return i
    }

    /// Scans the value starting exactly at `i`; returns its kind and the index just past it.
    package func scanValue(at i: Int, depth: Int) throws(JSONScanError) -> (Kind, Int) {
        guard i < bytes.count else { throw .unexpectedEnd }
        switch bytes[i] {
        case UInt8(ascii: "{"): return (.object, try scanObject(at: i, depth: depth + 1))
        case UInt8(ascii: "["): return (.array, try scanArray(at: i, depth: depth + 1))
        case UInt8(ascii: "\""): return (.string, try scanString(at: i))
        case UInt8(ascii: "t"): return (.bool, try scanLiteral("true", at: i))
        case UInt8(ascii: "f"): return (.bool, try scanLiteral("false", at: i))
        case UInt8(ascii: "n"): return (.null, try scanLiteral("null", at: i))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return (.number, try scanNumber(at: i))
        default: throw .unexpected(at: i, "a JSON value was expected")
        }
    }

    private func scanObject(at start: Int, depth: Int) throws(JSONScanError) -> Int {
        guard depth <= maxDepth else { throw .tooDeep(maxDepth) }
        var i = skipWhitespace(start + 1)
        guard i < bytes.count else { throw .unexpectedEnd }
        if bytes[i] == UInt8(ascii: "}") { return i + 1 }
        while true {
            guard i < bytes.count else { throw .unexpectedEnd }
            guard bytes[i] == UInt8(ascii: "\"") else { throw .unexpected(at: i, "an object key was expected") }
            i = skipWhitespace(try scanString(at: i))
            guard i < bytes.count else { throw .unexpectedEnd }
            guard bytes[i] == UInt8(ascii: ":") else { throw .unexpected(at: i, "':' was expected") }
            i = skipWhitespace(i + 1)
            i = skipWhitespace(try scanValue(at: i, depth: depth).1)
            guard i < bytes.count else { throw .unexpectedEnd }
            switch bytes[i] {
            case UInt8(ascii: ","): i = skipWhitespace(i + 1)
            case UInt8(ascii: "}"): return i + 1
            default: throw .unexpected(at: i, "',' or '}' was expected")
            }
        }
    }

    private func scanArray(at start: Int, depth: Int) throws(JSONScanError) -> Int {
        guard depth <= maxDepth else { throw .tooDeep(maxDepth) }
        var i = skipWhitespace(start + 1)
        guard i < bytes.count else { throw .unexpectedEnd }
        if bytes[i] == UInt8(ascii: "]") { return i + 1 }
        while true {
            i = skipWhitespace(try scanValue(at: i, depth: depth).1)
            guard i < bytes.count else { throw .unexpectedEnd }
            switch bytes[i] {
            case UInt8(ascii: ","): i = skipWhitespace(i + 1)
            case UInt8(ascii: "]"): return i + 1
            default: throw .unexpected(at: i, "',' or ']' was expected")
            }
        }
    }

    /// Validates a string's escapes and rejects raw control characters; returns the index past
    /// the closing quote. UTF-8 validity is checked when a string is decoded, not here.
    package func scanString(at start: Int) throws(JSONScanError) -> Int {
        var i = start + 1
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { return i + 1 }
            if c < 0x20 { throw .unexpected(at: i, "control character in string") }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count else { throw .unexpectedEnd }
                switch bytes[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard i + 5 < bytes.count else { throw .unexpectedEnd }
                    for k in 2...5 where !bytes[i + k].isHexDigit {
                        throw .unexpected(at: i + k, "bad \\u escape")
                    }
                    i += 6
                default:
                    throw .unexpected(at: i + 1, "bad escape")
                }
                continue
            }
            i += 1
        }
        throw .unexpectedEnd
    }

    private func scanLiteral(_ word: StaticString, at start: Int) throws(JSONScanError) -> Int {
        let count = word.utf8CodeUnitCount
        guard start + count <= bytes.count else { throw .unexpectedEnd }
        let p = word.utf8Start
        for k in 0..<count where bytes[start + k] != p[k] {
            throw .unexpected(at: start + k, "bad literal")
        }
        return start + count
    }

    private func scanNumber(at start: Int) throws(JSONScanError) -> Int {
        var i = start
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count else { throw .unexpectedEnd }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else if bytes[i].isDigit {
            while i < bytes.count && bytes[i].isDigit { i += 1 }
        } else {
            throw .unexpected(at: i, "bad number")
        }
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, bytes[i].isDigit else { throw .unexpected(at: i, "bad number") }
            while i < bytes.count && bytes[i].isDigit { i += 1 }
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < bytes.count, bytes[i].isDigit else { throw .unexpected(at: i, "bad number") }
            while i < bytes.count && bytes[i].isDigit { i += 1 }
        }
        return i
    }
}

/// Why a JSON document was rejected.
package enum JSONScanError: Error, Sendable, Equatable, CustomStringConvertible {
    case unexpectedEnd
    case unexpected(at: Int, String)
    case tooDeep(Int)

    package var description: String {
        switch self {
        case .unexpectedEnd: "unexpected end of JSON"
        case .unexpected(let at, let what): "\(what) at byte \(at)"
        case .tooDeep(let max): "JSON nested deeper than \(max) levels"
        }
    }
}

extension UInt8 {
    @inline(__always) var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    @inline(__always) var isHexDigit: Bool {
        isDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
}
