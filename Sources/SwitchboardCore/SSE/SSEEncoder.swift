public import NIOCore

/// Writes `text/event-stream` events and comments. Data containing line breaks (LF, CRLF or
/// CR) becomes one `data:` line per line, so the receiver rebuilds it with `\n` separators.
/// Line breaks in the type, id and comment text would break the framing and are dropped; a
/// NUL in an id would make receivers ignore it and is dropped too.
public enum SSEEncoder {
    /// Appends one event, terminated by the blank line that dispatches it.
    public static func writeEvent(
        _ data: ByteBuffer,
        type: String? = nil,
        id: String? = nil,
        retry: Int? = nil,
        into buffer: inout ByteBuffer
    ) {
        if let type {
            buffer.writeStaticString("event: ")
            writeSingleLine(type, into: &buffer)
        }
        if let id {
            buffer.writeStaticString("id: ")
            writeSingleLine(id.filter { $0 != "\0" }, into: &buffer)
        }
        if let retry {
            buffer.writeStaticString("retry: ")
            buffer.writeString(String(max(0, retry)))
            buffer.writeStaticString("\n")
        }
        writeDataLines(data, into: &buffer)
        buffer.writeStaticString("\n")
    }

    public static func writeEvent(
        _ data: String,
        type: String? = nil,
        id: String? = nil,
        retry: Int? = nil,
        into buffer: inout ByteBuffer
    ) {
        writeEvent(ByteBuffer(string: data), type: type, id: id, retry: retry, into: &buffer)
    }

    /// Appends a comment line (`: text`), which receivers ignore; used as a keep-alive.
    public static func writeComment(_ text: String = "", into buffer: inout ByteBuffer) {
        buffer.writeStaticString(":")
        if !text.isEmpty {
            buffer.writeStaticString(" ")
            writeSingleLine(text, into: &buffer)
        } else {
            buffer.writeStaticString("\n")
        }
    }

    private static func writeDataLines(_ data: ByteBuffer, into buffer: inout ByteBuffer) {
        var remaining = data
        while true {
            let view = remaining.readableBytesView
            let lineEnd = view.firstIndex { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
            buffer.writeStaticString("data: ")
            guard let lineEnd else {
                buffer.writeImmutableBuffer(remaining)
                buffer.writeStaticString("\n")
                return
            }
            let length = lineEnd - view.startIndex
            let line = remaining.readSlice(length: length)!
            buffer.writeImmutableBuffer(line)
            buffer.writeStaticString("\n")
            let terminator = remaining.readInteger(as: UInt8.self)!
            if terminator == UInt8(ascii: "\r"), remaining.getInteger(at: remaining.readerIndex, as: UInt8.self) == UInt8(ascii: "\n") {
                remaining.moveReaderIndex(forwardBy: 1)
            }
        }
    }

    private static func writeSingleLine(_ text: String, into buffer: inout ByteBuffer) {
        if text.utf8.contains(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
            buffer.writeString(String(text.filter { $0 != "\n" && $0 != "\r" && $0 != "\r\n" }))
        } else {
            buffer.writeString(text)
        }
        buffer.writeStaticString("\n")
    }
}
