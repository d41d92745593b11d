public import NIOCore

/// One dispatched `text/event-stream` event (WHATWG HTML §9.2.6).
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field, or `message` when the event named none.
    public var type: String
    /// The `data:` lines joined with `\n`, without the final newline.
    public var data: ByteBuffer
    /// The `id:` field of this event, if it had one (`""` when the id was reset).
    public var id: String?
    /// The `retry:` field of this event in milliseconds, if it had a valid one.
    public var retry: Int?

    public init(type: String = "message", data: ByteBuffer, id: String? = nil, retry: Int? = nil) {
        self.type = type
        self.data = data
        self.id = id
        self.retry = retry
    }

    public init(type: String = "message", data: String, id: String? = nil, retry: Int? = nil) {
        self.init(type: type, data: ByteBuffer(string: data), id: id, retry: retry)
    }

    /// The default event type: what MCP servers use for JSON-RPC messages.
    public var isMessage: Bool { type == "message" }
}

/// Why an event stream cannot be read further.
public enum SSEParserError: Error, Sendable, Equatable {
    /// An event (or a single line) grew past the configured maximum number of bytes.
    case eventTooLarge(Int)
}
