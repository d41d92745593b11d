import Crypto
package import NIOCore
import SwitchboardCore

/// The hash chain over the journal's stored bytes. Each line is
/// `{"seq":N,<fields>,"prev":"<previous hash>","hash":"<this hash>"}` and its hash is
/// SHA-256 over "SBA1" and the line's bytes up to the end of `prev`. Verifiers hash the bytes
/// as stored, so no canonical JSON form is needed, and a change to any byte, a line removed or
/// two lines swapped breaks the chain at that record.
package enum AuditChain {
    /// The `prev` of the first record: 32 zero bytes (hashes are base64url, unpadded).
    package static let genesis = String(repeating: "A", count: 43)

    private static let domain: [UInt8] = Array("SBA1".utf8)

    /// The base64 hash of a line's bytes up to the end of `prev`.
    package static func hash(_ hashed: UnsafeRawBufferPointer) -> String {
        var hasher = SHA256()
        hasher.update(data: domain)
        hasher.update(bufferPointer: hashed)
        return hasher.finalize().withUnsafeBytes { Base64URL.encode($0) }
    }

    /// One journal line for `fields` at `seq` after `prev`, with its newline; and its hash.
    package static func line(seq: UInt64, fields: ByteBuffer, prev: String) -> (line: ByteBuffer, hash: String) {
        var line = ByteBuffer()
        let hash = write(seq: seq, fields: fields, prev: Array(prev.utf8), into: &line)
        return (line, line.getString(at: line.readerIndex + hash.lowerBound, length: hash.count)!)
    }

    /// Writes the line for `fields` at `seq` into `line` (cleared first, its storage reused,
    /// so the journal appends a record without allocating for the chain); where the line's
    /// hash is in it, from its first readable byte.
    package static func write(seq: UInt64, fields: ByteBuffer, prev: [UInt8], into line: inout ByteBuffer) -> Range<Int> {
        line.clear()
        line.reserveCapacity(fields.readableBytes + 140)
        line.writeStaticString(#"{"seq":"#)
        writeDecimal(seq, into: &line)
        line.writeInteger(UInt8(ascii: ","))
        line.writeImmutableBuffer(fields)
        line.writeStaticString(#","prev":""#)
        line.writeBytes(prev)
        line.writeInteger(UInt8(ascii: "\""))
        var hasher = SHA256()
        hasher.update(data: domain)
        line.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        line.writeStaticString(#","hash":""#)
        let start = line.readableBytes
        hasher.finalize().withUnsafeBytes { Base64URL.encode($0, appendingTo: &line) }
        let end = line.readableBytes
        line.writeStaticString("\"}\n")
        return start..<end
    }

    /// `value` in decimal, without a string in between.
    static func writeDecimal(_ value: UInt64, into buffer: inout ByteBuffer) {
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt64.max's 20 digits
        withUnsafeMutableBytes(of: &scratch) { out in
            var n = value
            var i = out.count
            repeat {
                i -= 1
                out[i] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
            } while n > 0
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: out[i...]))
        }
    }
}

/// A journal line taken apart for checking: what it claims (seq, prev, hash) and the bytes
/// its hash covers.
package struct AuditLine {
    package let seq: UInt64
    package let prev: String
    package let hash: String
    /// The line up to the end of `prev`.
    package let hashed: ArraySlice<UInt8>

    private static let hashMarker = Array(#","hash":""#.utf8)
    private static let prevMarker = Array(#","prev":""#.utf8)
    private static let seqMarker = Array(#"{"seq":"#.utf8)

    /// `bytes` is one line without its newline; nil when it is not a journal line.
    package init?(_ bytes: ArraySlice<UInt8>) {
        guard bytes.starts(with: Self.seqMarker), bytes.count > 4, bytes.suffix(2).elementsEqual([UInt8(ascii: "\""), UInt8(ascii: "}")]) else { return nil }
        var index = bytes.startIndex + Self.seqMarker.count
        var seq: UInt64 = 0
        var digits = 0
        while index < bytes.endIndex, let digit = Self.digit(bytes[index]) {
            let (product, overflow) = seq.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            seq = product + UInt64(digit)
            digits += 1
            index += 1
        }
        guard digits > 0, index < bytes.endIndex, bytes[index] == UInt8(ascii: ",") else { return nil }
        guard let hashAt = Self.lastRange(of: Self.hashMarker, in: bytes) else { return nil }
        let hashStart = hashAt + Self.hashMarker.count
        let hashEnd = bytes.endIndex - 2
        guard hashStart <= hashEnd else { return nil }
        let before = bytes[bytes.startIndex..<hashAt]
        guard let prevAt = Self.lastRange(of: Self.prevMarker, in: before), before.last == UInt8(ascii: "\"") else { return nil }
        let prevStart = prevAt + Self.prevMarker.count
        guard prevStart <= hashAt - 1 else { return nil }
        self.seq = seq
        self.prev = String(decoding: bytes[prevStart..<(hashAt - 1)], as: UTF8.self)
        self.hash = String(decoding: bytes[hashStart..<hashEnd], as: UTF8.self)
        self.hashed = before
    }

    /// Whether the stored hash is the hash of the stored bytes.
    package var hashHolds: Bool { hashed.withUnsafeBytes { AuditChain.hash($0) } == hash }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func lastRange(of marker: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= marker.count else { return nil }
        var start = bytes.endIndex - marker.count
        while start >= bytes.startIndex {
            if bytes[start..<(start + marker.count)].elementsEqual(marker) { return start }
            start -= 1
        }
        return nil
    }
}
