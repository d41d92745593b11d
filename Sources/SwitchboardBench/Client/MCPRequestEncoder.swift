import NIOCore
import SwitchboardCore

/// The load run's HTTP/1.1 POSTs, encoded once: per session the request head up to
/// `Content-Length: `, and the body as pieces with the id going between them (a progress token
/// reuses the id). A request then costs one buffer and a few copies.
struct MCPRequestEncoder: Sendable {
    private let heads: [ByteBuffer]
    private let pieces: [ByteBuffer]
    private let piecesBytes: Int

    /// - Parameter params: the `params` members after `_meta`, as JSON text without braces
    ///   (`"name":"echo","arguments":{…}`), or empty.
    init(url: BenchURL, sessions: [MCPSession], headers: [HeaderArgument], method: String, params: String, progressToken: Bool) {
        heads = sessions.map { Self.head(url: url, session: $0, headers: headers) }
        var body = [#"{"jsonrpc":"2.0","id":"#]
        let call = #","method":\#(JSONWriter.quoted(method)),"params":{"#
        if progressToken {
            body.append(call + #""_meta":{"progressToken":"#)
            body.append("}" + (params.isEmpty ? "" : ",") + params + "}}")
        } else {
            body.append(call + params + "}}")
        }
        pieces = body.map { ByteBuffer(string: $0) }
        piecesBytes = pieces.reduce(0) { $0 + $1.readableBytes }
    }

    var sessionCount: Int { heads.count }

    /// The whole request (head and body) for request `id` in session `session`.
    func request(id: Int, session: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        let digits = String(id)  // a small string: no allocation
        let length = piecesBytes + (pieces.count - 1) * digits.utf8.count
        let head = heads[session]
        var out = allocator.buffer(capacity: head.readableBytes + length + 12)
        out.writeImmutableBuffer(head)
        out.writeString(String(length))
        out.writeStaticString("\r\n\r\n")
        out.writeImmutableBuffer(pieces[0])
        for piece in pieces.dropFirst() {
            out.writeString(digits)
            out.writeImmutableBuffer(piece)
        }
        return out
    }

    private static func head(url: BenchURL, session: MCPSession, headers: [HeaderArgument]) -> ByteBuffer {
        var text = "POST \(url.path) HTTP/1.1\r\nHost: \(url.authority)\r\n"
        text += "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
        if let id = session.id { text += "Mcp-Session-Id: \(id)\r\n" }
        text += "MCP-Protocol-Version: \(session.protocolVersion)\r\n"
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        text += "Content-Length: "
        return ByteBuffer(string: text)
    }
}
