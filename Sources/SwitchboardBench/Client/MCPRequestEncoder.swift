import NIOCore
import SwitchboardCore

/// The load run's HTTP/1.1 POSTs, encoded once: per session the request head up to
/// `Content-Length: `, and the body as pieces with the id going between them (a progress token
/// reuses the id). A request then costs one buffer and a few copies, whatever the revision: a
/// 2026-07-28 envelope only makes the fixed pieces longer.
struct MCPRequestEncoder: Sendable {
    private let heads: [ByteBuffer]
    private let pieces: [ByteBuffer]
    private let piecesBytes: Int

    /// - Parameters:
    ///   - params: the `params` members after `_meta`, as JSON text without braces
    ///     (`"name":"echo","arguments":{…}`), or empty.
    ///   - envelope: the 2026-07-28 `_meta` and headers; nil for a request within a legacy session.
    init(
        url: BenchURL,
        sessions: [MCPSession],
        headers: [HeaderArgument],
        method: String,
        params: String,
        progressToken: Bool,
        envelope: ModernEnvelope? = nil
    ) {
        heads = sessions.map { Self.head(url: url, session: $0, headers: headers, extraLines: envelope?.headerLines ?? "") }
        var body = [#"{"jsonrpc":"2.0","id":"#]
        let call = #","method":\#(JSONWriter.quoted(method)),"params":{"#
        let rest = (params.isEmpty ? "" : ",") + params + "}}"
        let fixedMeta = envelope?.metaMembers
        if progressToken {
            body.append(call + #""_meta":{"# + (fixedMeta.map { $0 + "," } ?? "") + #""progressToken":"#)
            body.append("}" + rest)
        } else if let fixedMeta {
            body.append(call + #""_meta":{"# + fixedMeta + "}" + rest)
        } else {
            body.append(call + params + "}}")
        }
        pieces = body.map { ByteBuffer(string: $0) }
        piecesBytes = pieces.reduce(0) { $0 + $1.readableBytes }
    }

    /// The REST front door's call (`POST /api/v1/tools/{name}/call`): the body is `arguments`
    /// alone, the same for every request (no id: the answer on a connection is its request's).
    init(restCall url: BenchURL, headers: [HeaderArgument], arguments: String) {
        var text = "POST \(url.path) HTTP/1.1\r\nHost: \(url.authority)\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        text += "Content-Length: "
        heads = [ByteBuffer(string: text)]
        pieces = [ByteBuffer(string: arguments)]
        piecesBytes = pieces[0].readableBytes
    }

    var sessionCount: Int { heads.count }

    /// The whole request (head and body) for request `id` in session `session`.
    func request(id: Int, session: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        let digits = String(id)  // a small string: no allocation
        let length = bodyLength(digits)
        let head = heads[session]
        var out = allocator.buffer(capacity: head.readableBytes + length + 12)
        out.writeImmutableBuffer(head)
        out.writeString(String(length))
        out.writeStaticString("\r\n\r\n")
        writeBody(digits, into: &out)
        return out
    }

    /// The JSON-RPC body alone, for the one request a run sends before it starts.
    func body(id: Int) -> ByteBuffer {
        let digits = String(id)
        var out = ByteBuffer()
        out.reserveCapacity(bodyLength(digits))
        writeBody(digits, into: &out)
        return out
    }

    private func bodyLength(_ digits: String) -> Int {
        piecesBytes + (pieces.count - 1) * digits.utf8.count
    }

    private func writeBody(_ digits: String, into out: inout ByteBuffer) {
        out.writeImmutableBuffer(pieces[0])
        for piece in pieces.dropFirst() {
            out.writeString(digits)
            out.writeImmutableBuffer(piece)
        }
    }

    private static func head(url: BenchURL, session: MCPSession, headers: [HeaderArgument], extraLines: String) -> ByteBuffer {
        var text = "POST \(url.path) HTTP/1.1\r\nHost: \(url.authority)\r\n"
        text += "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
        if let id = session.id { text += "Mcp-Session-Id: \(id)\r\n" }
        text += "MCP-Protocol-Version: \(session.protocolVersion)\r\n"
        text += extraLines
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        text += "Content-Length: "
        return ByteBuffer(string: text)
    }
}
