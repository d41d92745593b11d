import NIOCore

/// Realistic MCP traffic, built once per run.
enum Fixtures {
    /// A `tools/call` request as a client sends it (~300 bytes).
    static let callRequest = ByteBuffer(string: #"""
        {"jsonrpc":"2.0","id":1042,"method":"tools/call","params":{"name":"github__search_issues",\#
        "arguments":{"query":"is:open label:bug repo:acme/widgets","perPage":20,"sort":"updated",\#
        "order":"desc","includeClosed":false},"_meta":{"progressToken":"c1f7a3e2-5b4d-4e0a-9f1c-2d3e4f5a6b7c"}}}
        """#)

    /// One tool definition as servers list it (~400 bytes).
    static func tool(_ index: Int) -> String {
        #"""
        {"name":"search_issues_\#(index)","description":"Searches issues and pull requests across the \#
        repositories the token can read, newest first.","inputSchema":{"type":"object","properties":\#
        {"query":{"type":"string","description":"Search query, e.g. is:open label:bug"},"perPage":\#
        {"type":"integer","minimum":1,"maximum":100},"sort":{"type":"string","enum":["created","updated",\#
        "comments"]}},"required":["query"]},"annotations":{"readOnlyHint":true,"openWorldHint":true}}
        """#
    }

    /// A `tools/list` response from one server: `count` tools and a next-page cursor.
    static func toolsListResponse(count: Int, id: Int = 7) -> ByteBuffer {
        let tools = (0..<count).map(tool).joined(separator: ",")
        return ByteBuffer(string: #"{"jsonrpc":"2.0","id":\#(id),"result":{"tools":[\#(tools)],"nextCursor":"eyJwYWdlIjoyfQ"}}"#)
    }

    /// A `tools/call` result of about `bytes` bytes: one text content block.
    static func callResult(bytes: Int) -> ByteBuffer {
        let envelope = #"{"content":[{"type":"text","text":""}],"isError":false}"#
        let text = String(repeating: "All 20 open issues labelled bug in acme/widgets. ", count: (bytes - envelope.utf8.count) / 49 + 1)
        return ByteBuffer(string: #"{"content":[{"type":"text","text":"\#(text.prefix(bytes - envelope.utf8.count))"}],"isError":false}"#)
    }

    /// A JSON-RPC response carrying `callResult(bytes:)`, as one line of a stdio stream or one SSE event.
    static func callResponse(id: Int, bytes: Int) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"result":\#(String(buffer: callResult(bytes: bytes)))}"#
    }

    /// A Streamable HTTP response stream: `events` message events of ~500 bytes each.
    static func sseStream(events: Int) -> ByteBuffer {
        var stream = ByteBuffer()
        for index in 0..<events {
            stream.writeString("event: message\nid: 0-\(index)\ndata: \(callResponse(id: index, bytes: 420))\n\n")
        }
        return stream
    }

    /// A stdio stream: `lines` newline-terminated responses of ~1 KB each.
    static func stdioStream(lines: Int) -> ByteBuffer {
        var stream = ByteBuffer()
        for index in 0..<lines {
            stream.writeString(callResponse(id: index, bytes: 1_000) + "\n")
        }
        return stream
    }

    /// `stream` cut into reads of `size` bytes, each in its own storage, as NIO delivers them.
    static func chunks(of stream: ByteBuffer, size: Int) -> [ByteBuffer] {
        var stream = stream
        var chunks: [ByteBuffer] = []
        while stream.readableBytes > 0 {
            let slice = stream.readSlice(length: min(size, stream.readableBytes))!
            var chunk = ByteBuffer()
            chunk.reserveCapacity(slice.readableBytes)
            chunk.writeImmutableBuffer(slice)
            chunks.append(chunk)
        }
        return chunks
    }
}
