public import NIOCore

/// An incremental `text/event-stream` parser (WHATWG HTML §9.2.6): feed it bytes as they
/// arrive in any chunking, then take complete events with `next()`.
///
/// Lines end with LF, CRLF or CR; a CR at the end of a chunk is not held back, a following LF
/// is skipped instead. A UTF-8 byte order mark at the start of the stream is dropped. Comments
/// (`:` lines) and unknown fields are ignored. An event whose fields (data, type and id) exceed
/// `maxEventBytes`, or a single line longer than that plus a little room for the field name,
/// is an error rather than unbounded buffering; after an error the stream cannot be read on.
/// At end of stream a partial event is simply never returned, as the standard asks.
public struct SSEParser: Sendable {
    /// The largest event accepted, counting data, type and id bytes.
    public let maxEventBytes: Int
    /// The last `id:` seen (persisting across events, as the standard's "last event ID
    /// buffer"); what a reconnecting client sends as `Last-Event-ID`. Empty when none or reset.
    public private(set) var lastEventID = ""
    /// The last valid `retry:` value in milliseconds, if the server sent one.
    public private(set) var reconnectionTime: Int?

    /// Received bytes not consumed yet.
    private var buffer = ByteBuffer()
    /// How much of `buffer` has been searched for a line end already.
    private var scanned = 0
    /// True until the first bytes were checked for a byte order mark.
    private var atStreamStart = true
    /// The previous line ended with CR, so an LF that follows belongs to it.
    private var skipLeadingLF = false

    // The event being assembled.
    private var data = ByteBuffer()
    private var hasData = false
    private var eventType: String?
    private var eventID: String?
    private var eventRetry: Int?
    private var eventBytes = 0

    public init(maxEventBytes: Int) {
        self.maxEventBytes = maxEventBytes
    }

    /// Longest line accepted: an event's worth of bytes plus room for `data: `.
    private var maxLineBytes: Int { maxEventBytes &+ 16 }

    /// Appends received bytes; call `next()` until it returns nil afterwards.
    public mutating func feed(_ bytes: ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer = bytes
            scanned = 0
        } else {
            buffer.writeImmutableBuffer(bytes)
        }
    }

    /// The next complete event, or nil when more bytes are needed.
    public mutating func next() throws(SSEParserError) -> SSEEvent? {
        while true {
            if atStreamStart {
                guard skipByteOrderMark() else { return nil }
            }
            if skipLeadingLF {
                guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
                skipLeadingLF = false
                if first == .lf { buffer.moveReaderIndex(forwardBy: 1) }
            }
            guard let lineLength = findLineEnd() else {
                if buffer.readableBytes > maxLineBytes { throw .eventTooLarge(maxEventBytes) }
                compactIfLarge()
                return nil
            }
            if lineLength > maxLineBytes { throw .eventTooLarge(maxEventBytes) }
            let line = buffer.readSlice(length: lineLength)!
            let terminator = buffer.readInteger(as: UInt8.self)!
            skipLeadingLF = terminator == .cr
            scanned = 0
            if let event = try process(line: line) { return event }
        }
    }

    /// Returns false while the stream start could still be a partial byte order mark.
    /// Hands every complete event fed so far to `handle`, in order, until it returns false
    /// (the caller is done with this stream); throws when an event outgrows the limit.
    public mutating func drain(_ handle: (SSEEvent) -> Bool) throws(SSEParserError) {
        while let event = try next() {
            guard handle(event) else { return }
        }
    }

    private mutating func skipByteOrderMark() -> Bool {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let view = buffer.readableBytesView
        let prefix = min(view.count, 3)
        guard view.prefix(prefix).elementsEqual(bom.prefix(prefix)) else {
            atStreamStart = false
            return true
        }
        guard prefix == 3 else { return false }
        buffer.moveReaderIndex(forwardBy: 3)
        atStreamStart = false
        return true
    }

    /// The length of the next complete line, searching only bytes not searched before.
    private mutating func findLineEnd() -> Int? {
        let start = scanned
        let found: Int? = buffer.withUnsafeReadableBytes { bytes in
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                if byte == .lf || byte == .cr { return index }
                index += 1
            }
            return nil
        }
        if found == nil { scanned = buffer.readableBytes }
        return found
    }

    /// Keeps a long-lived stream's buffer from growing with consumed bytes.
    private mutating func compactIfLarge() {
        if buffer.readerIndex > 16 * 1024 {
            buffer.discardReadBytes()
        }
    }

    private mutating func process(line: ByteBuffer) throws(SSEParserError) -> SSEEvent? {
        var line = line
        guard let first = line.getInteger(at: line.readerIndex, as: UInt8.self) else { return dispatch() }
        if first == .colon { return nil }

        let colon = line.readableBytesView.firstIndex(of: .colon).map { $0 - line.readerIndex }
        let name = line.readSlice(length: colon ?? line.readableBytes)!
        if colon != nil {
            line.moveReaderIndex(forwardBy: 1)
            if line.getInteger(at: line.readerIndex, as: UInt8.self) == .space { line.moveReaderIndex(forwardBy: 1) }
        }
        let value = line

        switch Field(name) {
        case .data:
            eventBytes += value.readableBytes + (hasData ? 1 : 0)
            if eventBytes > maxEventBytes { throw .eventTooLarge(maxEventBytes) }
            if hasData {
                data.writeInteger(UInt8.lf)
                data.writeImmutableBuffer(value)
            } else {
                data = value
                hasData = true
            }
        case .event:
            eventBytes += value.readableBytes
            if eventBytes > maxEventBytes { throw .eventTooLarge(maxEventBytes) }
            eventType = String(buffer: value)
        case .id:
            guard !value.readableBytesView.contains(0) else { break }
            eventBytes += value.readableBytes
            if eventBytes > maxEventBytes { throw .eventTooLarge(maxEventBytes) }
            let id = String(buffer: value)
            lastEventID = id
            eventID = id
        case .retry:
            if let milliseconds = Self.parseRetry(value) {
                reconnectionTime = milliseconds
                eventRetry = milliseconds
            }
        case nil:
            break
        }
        return nil
    }

    /// A blank line: emit the event if it has data, and start a new one either way.
    private mutating func dispatch() -> SSEEvent? {
        defer {
            data = ByteBuffer()
            hasData = false
            eventType = nil
            eventID = nil
            eventRetry = nil
            eventBytes = 0
        }
        guard hasData else { return nil }
        let type = eventType.flatMap { $0.isEmpty ? nil : $0 } ?? "message"
        return SSEEvent(type: type, data: data, id: eventID, retry: eventRetry)
    }

    /// ASCII digits only; values past nine digits (over ten days) are clamped rather than trusted.
    private static func parseRetry(_ value: ByteBuffer) -> Int? {
        let view = value.readableBytesView
        guard !view.isEmpty, view.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        var result = 0
        for digit in view.prefix(9) { result = result * 10 + Int(digit - UInt8(ascii: "0")) }
        return view.count > 9 ? 999_999_999 : result
    }

    private enum Field {
        case data, event, id, retry

        init?(_ name: ByteBuffer) {
            let view = name.readableBytesView
            if view.elementsEqual("data".utf8) { self = .data }
            else if view.elementsEqual("event".utf8) { self = .event }
            else if view.elementsEqual("id".utf8) { self = .id }
            else if view.elementsEqual("retry".utf8) { self = .retry }
            else { return nil }
        }
    }
}

extension UInt8 {
    fileprivate static let lf = UInt8(ascii: "\n")
    fileprivate static let cr = UInt8(ascii: "\r")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let space = UInt8(ascii: " ")
}
