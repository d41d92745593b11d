public import NIOCore

/// Rewrites a few values inside a JSON value without re-serialising the rest: the bytes
/// between the replaced spans are copied as they are.
public enum JSONSplice {
    /// `container` with each `(target, replacement)` swapped; targets must lie inside the
    /// container, come from the same document, and not overlap.
    public static func replacing(in container: JSONView, _ edits: [(target: JSONView, json: String)]) -> ByteBuffer {
        let sorted = edits.sorted { $0.target.range.lowerBound < $1.target.range.lowerBound }
        var out = ByteBuffer()
        out.reserveCapacity(container.range.count + 64)
        let base = container.document.readerIndex
        var cursor = container.range.lowerBound
        for edit in sorted {
            let r = edit.target.range
            guard r.lowerBound >= cursor, r.upperBound <= container.range.upperBound else { continue }
            if var chunk = container.document.getSlice(at: base + cursor, length: r.lowerBound - cursor) {
                out.writeBuffer(&chunk)
            }
            out.writeString(edit.json)
            cursor = r.upperBound
        }
        if var rest = container.document.getSlice(at: base + cursor, length: container.range.upperBound - cursor) {
            out.writeBuffer(&rest)
        }
        return out
    }

    /// `object` with `key` set to `json`: replaced where present, otherwise inserted first.
    public static func setting(_ key: String, to json: String, in object: JSONView) -> ByteBuffer {
        if let existing = object[key] { return replacing(in: object, [(existing, json)]) }
        var out = ByteBuffer()
        out.writeInteger(UInt8(ascii: "{"))
        JSONWriter.writeEscaped(key, into: &out)
        out.writeInteger(UInt8(ascii: ":"))
        out.writeString(json)
        var body = object.bytes
        body.moveReaderIndex(forwardBy: 1)
        // An empty object `{}` needs no comma before its closing brace.
        let isEmpty = body.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == UInt8(ascii: "}") }
        if !isEmpty { out.writeInteger(UInt8(ascii: ",")) }
        out.writeBuffer(&body)
        return out
    }
}

extension JSONSplice {
    /// `object` with `members` (raw `"key":value` pairs, comma-separated) inserted first. The
    /// caller guarantees none of the keys is already there.
    public static func inserting(_ members: String, into object: ByteBuffer) -> ByteBuffer {
        var body = object
        var out = ByteBuffer()
        out.reserveCapacity(body.readableBytes + members.utf8.count + 2)
        // Leading whitespace before the brace is dropped with it.
        while let byte = body.readableBytesView.first, byte != UInt8(ascii: "{") { body.moveReaderIndex(forwardBy: 1) }
        body.moveReaderIndex(forwardBy: 1)
        out.writeInteger(UInt8(ascii: "{"))
        out.writeString(members)
        let isEmpty = body.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == UInt8(ascii: "}") }
        if !isEmpty { out.writeInteger(UInt8(ascii: ",")) }
        out.writeBuffer(&body)
        return out
    }

    /// `object` without the members named `keys` (the bytes of every other member copied as
    /// they are). Returns nil when none of them is present, so callers keep the original.
    public static func removing(_ keys: Set<String>, from object: JSONView) -> ByteBuffer? {
        let members = object.memberSpans
        guard members.contains(where: { keys.contains($0.key) }) else { return nil }
        var out = ByteBuffer()
        out.reserveCapacity(object.range.count)
        out.writeInteger(UInt8(ascii: "{"))
        var first = true
        let base = object.document.readerIndex
        for member in members where !keys.contains(member.key) {
            if !first { out.writeInteger(UInt8(ascii: ",")) }
            first = false
            if var chunk = object.document.getSlice(at: base + member.span.lowerBound, length: member.span.count) {
                out.writeBuffer(&chunk)
            }
        }
        out.writeInteger(UInt8(ascii: "}"))
        return out
    }
}
