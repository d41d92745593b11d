public import NIOCore

/// A read-only view of one JSON value inside a buffer that was validated as a whole. Looking a
/// key up rescans the object's members; that is cheap for the small envelopes and params the
/// gateway reads, and it keeps values as the original bytes so they are forwarded untouched.
public struct JSONView: Sendable {
    /// The whole validated document; `range` indexes into its readable bytes.
    package let document: ByteBuffer
    package let range: Range<Int>
    package let kind: JSONScanner.Kind

    /// Validates `buffer`'s readable bytes as one JSON document.
    package static func parse(_ buffer: ByteBuffer, maxDepth: Int = 64) throws(JSONScanError) -> JSONView {
        let result: Result<(JSONScanner.Kind, Int, Int), JSONScanError> = buffer.withUnsafeReadableBytes { raw in
            do throws(JSONScanError) {
                let r = try JSONScanner(raw, maxDepth: maxDepth).scanDocument()
                return .success((r.kind, r.start, r.end))
            } catch {
                return .failure(error)
            }
        }
        let (kind, start, end) = try result.get()
        return JSONView(document: buffer, range: start..<end, kind: kind)
    }

    package init(document: ByteBuffer, range: Range<Int>, kind: JSONScanner.Kind) {
        self.document = document
        self.range = range
        self.kind = kind
    }

    /// The value's bytes exactly as received.
    public var bytes: ByteBuffer {
        document.getSlice(at: document.readerIndex + range.lowerBound, length: range.count)!
    }

    /// The value's JSON text exactly as received.
    public var rawText: String {
        document.getString(at: document.readerIndex + range.lowerBound, length: range.count) ?? ""
    }

    public var isObject: Bool { kind == .object }
    public var isArray: Bool { kind == .array }
    public var isString: Bool { kind == .string }
    public var isNull: Bool { kind == .null }

    /// The member named `key`, if this is an object that has it (the first one, if repeated).
    public subscript(key: String) -> JSONView? {
        guard kind == .object else { return nil }
        var found: JSONView?
        forEachMember { name, value in
            if name.equals(key) {
                found = value
                return false
            }
            return true
        }
        return found
    }

    /// Follows a path of object keys.
    public subscript(path: String...) -> JSONView? {
        var v: JSONView? = self
        for key in path { v = v?[key] }
        return v
    }

    /// The members of an object, in order.
    public var members: [(key: String, value: JSONView)] {
        var out: [(String, JSONView)] = []
        forEachMember { name, value in
            out.append((name.decoded(), value))
            return true
        }
        return out
    }

    /// Each member's decoded key and the span of the whole `"key":value` text (offsets into
    /// `document`'s readable bytes), for copying members selectively.
    package var memberSpans: [(key: String, span: Range<Int>)] {
        guard kind == .object else { return [] }
        var out: [(String, Range<Int>)] = []
        document.withUnsafeReadableBytes { raw in
            let s = JSONScanner(raw, maxDepth: .max)
            var i = s.skipWhitespace(range.lowerBound + 1)
            guard raw[i] != UInt8(ascii: "}") else { return }
            while i < range.upperBound {
                let start = i
                guard let keyEnd = try? s.scanString(at: i) else { return }
                let key = JSONKey(bytes: UnsafeRawBufferPointer(rebasing: raw[(i + 1)..<(keyEnd - 1)]))
                i = s.skipWhitespace(s.skipWhitespace(keyEnd) + 1)
                guard let (_, end) = try? s.scanValue(at: i, depth: 0) else { return }
                out.append((key.decoded(), start..<end))
                i = s.skipWhitespace(end)
                guard raw[i] == UInt8(ascii: ",") else { return }
                i = s.skipWhitespace(i + 1)
            }
        }
        return out
    }

    /// The elements of an array, in order.
    public var elements: [JSONView] {
        guard kind == .array else { return [] }
        var out: [JSONView] = []
        document.withUnsafeReadableBytes { raw in
            let s = JSONScanner(raw, maxDepth: .max)
            var i = s.skipWhitespace(range.lowerBound + 1)
            guard raw[i] != UInt8(ascii: "]") else { return }
            while i < range.upperBound {
                guard let (k, end) = try? s.scanValue(at: i, depth: 0) else { return }
                out.append(JSONView(document: document, range: i..<end, kind: k))
                i = s.skipWhitespace(end)
                guard raw[i] == UInt8(ascii: ",") else { return }
                i = s.skipWhitespace(i + 1)
            }
        }
        return out
    }

    /// Calls `body` with each member's key and value until it returns false.
    package func forEachMember(_ body: (JSONKey, JSONView) -> Bool) {
        guard kind == .object else { return }
        document.withUnsafeReadableBytes { raw in
            let s = JSONScanner(raw, maxDepth: .max)
            var i = s.skipWhitespace(range.lowerBound + 1)
            guard raw[i] != UInt8(ascii: "}") else { return }
            while i < range.upperBound {
                guard let keyEnd = try? s.scanString(at: i) else { return }
                let key = JSONKey(bytes: UnsafeRawBufferPointer(rebasing: raw[(i + 1)..<(keyEnd - 1)]))
                i = s.skipWhitespace(s.skipWhitespace(keyEnd) + 1)
                guard let (k, end) = try? s.scanValue(at: i, depth: 0) else { return }
                if !body(key, JSONView(document: document, range: i..<end, kind: k)) { return }
                i = s.skipWhitespace(end)
                guard raw[i] == UInt8(ascii: ",") else { return }
                i = s.skipWhitespace(i + 1)
            }
        }
    }

    /// The decoded string, if this is a string.
    public var string: String? {
        guard kind == .string else { return nil }
        return document.withUnsafeReadableBytes { raw in
            JSONKey(bytes: UnsafeRawBufferPointer(rebasing: raw[(range.lowerBound + 1)..<(range.upperBound - 1)])).decoded()
        }
    }

    /// The value as an integer, if it is a number without fraction or exponent that fits.
    public var int: Int? {
        guard kind == .number else { return nil }
        return Int(rawText)
    }

    /// The value as a Double, if it is a number.
    public var double: Double? {
        guard kind == .number else { return nil }
        return Double(rawText)
    }

    public var bool: Bool? {
        guard kind == .bool else { return nil }
        return document.withUnsafeReadableBytes { $0[range.lowerBound] == UInt8(ascii: "t") }
    }
}

/// An object key as raw (still escaped) bytes; valid only inside the scanning closure.
package struct JSONKey {
    let bytes: UnsafeRawBufferPointer

    /// Compares with `key` without allocating when the raw key has no escapes.
    package func equals(_ key: String) -> Bool {
        if bytes.contains(UInt8(ascii: "\\")) { return decoded() == key }
        var key = key
        return key.withUTF8 { utf8 in
            utf8.count == bytes.count && utf8.elementsEqual(bytes)
        }
    }

    /// The unescaped string; invalid UTF-8 is repaired with U+FFFD.
    package func decoded() -> String {
        guard bytes.contains(UInt8(ascii: "\\")) else { return String(decoding: bytes, as: UTF8.self) }
        return JSONStringDecoding.unescape(bytes)
    }
}
