public import NIOCore

/// Appends JSON to a ByteBuffer with commas managed for the caller. Used to build the messages
/// the gateway itself originates and to splice original value bytes (`raw`) into new envelopes.
public struct JSONWriter {
    public var buffer: ByteBuffer
    /// One flag per open container: whether the next item needs a leading comma.
    private var needsComma: [Bool] = []
    /// True right after `key(_:)`, when the value must not get a comma.
    private var afterKey = false

    public init(buffer: ByteBuffer = ByteBuffer()) {
        self.buffer = buffer
    }

    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        if let last = needsComma.last {
            if last { buffer.writeInteger(UInt8(ascii: ",")) }
            needsComma[needsComma.count - 1] = true
        }
    }

    public mutating func beginObject() {
        separate()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    public mutating func endObject() {
        needsComma.removeLast()
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        separate()
        buffer.writeInteger(UInt8(ascii: "["))
        needsComma.append(false)
    }

    public mutating func endArray() {
        needsComma.removeLast()
        buffer.writeInteger(UInt8(ascii: "]"))
    }

    public mutating func key(_ name: String) {
        separate()
        JSONWriter.writeEscaped(name, into: &buffer)
        buffer.writeInteger(UInt8(ascii: ":"))
        afterKey = true
    }

    public mutating func string(_ value: String) {
        separate()
        JSONWriter.writeEscaped(value, into: &buffer)
    }

    public mutating func int(_ value: Int) {
        separate()
        buffer.writeString(String(value))
    }

    public mutating func double(_ value: Double) {
        separate()
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            buffer.writeString(String(Int(value)))
        } else {
            buffer.writeString(value.isFinite ? String(value) : "null")
        }
    }

    public mutating func bool(_ value: Bool) {
        separate()
        buffer.writeString(value ? "true" : "false")
    }

    public mutating func null() {
        separate()
        buffer.writeString("null")
    }

    /// Writes already-valid JSON bytes as one value.
    public mutating func raw(_ json: ByteBuffer) {
        separate()
        var json = json
        buffer.writeBuffer(&json)
    }

    /// Writes already-valid JSON text as one value.
    public mutating func raw(_ json: String) {
        separate()
        buffer.writeString(json)
    }

    public mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        int(value)
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    public mutating func field(_ name: String, raw value: ByteBuffer) {
        key(name)
        raw(value)
    }

    public mutating func field(_ name: String, raw value: String) {
        key(name)
        raw(value)
    }

    /// Writes `value` as a quoted JSON string, escaping what RFC 8259 requires.
    public static func writeEscaped(_ value: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for (i, c) in utf8.enumerated() where c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
                if i > runStart { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[runStart..<i])) }
                switch c {
                case UInt8(ascii: "\""): buffer.writeString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeString("\\\\")
                case 0x0A: buffer.writeString("\\n")
                case 0x0D: buffer.writeString("\\r")
                case 0x09: buffer.writeString("\\t")
                default:
                    let hex = String(c, radix: 16)
                    buffer.writeString("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                }
                runStart = i + 1
            }
            if runStart < utf8.count { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[runStart...])) }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// A quoted JSON string literal.
    public static func quoted(_ value: String) -> String {
        var b = ByteBuffer()
        writeEscaped(value, into: &b)
        return String(buffer: b)
    }
}
