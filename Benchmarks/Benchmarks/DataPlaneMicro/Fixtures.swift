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

    /// A benign tool result as servers return them: prose, a commit list with hashes and
    /// timestamps, UUIDs, paths and URLs, numbers and code, in `content` and
    /// `structuredContent`; nothing a guard should flag.
    static func mixedResult(bytes: Int) -> ByteBuffer {
        let lines = [
            "Merged pull request 4821 from acme/fix-retry-loop: retries now back off exponentially.",
            "commit 9f2c1e7a4b3d5f60718293a4b5c6d7e8f9012345 at 2026-11-30T14:22:05Z by the release bot",
            "Deployment 3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d finished in 182.4 seconds (build 20261130.7).",
            "See https://docs.acme.dev/guides/retries?version=2 and /var/lib/acme/cache/index.db for details.",
            #"def backoff(attempt: int) -> float:\n    return min(30.0, 0.25 * 2 ** attempt)"#,
            "Open issues: 17 bugs, 4 features, 2 questions; median age 6 days, oldest 211 days.",
            "The table orders has 1,204,331 rows; the index on (customer_id, created_at) is used.",
        ]
        // `text` joins the lines with JSON's `\n`, `structured` with spaces.
        var text = ""
        var structured = ""
        var k = 0
        while text.utf8.count < bytes / 2 {
            text += lines[k % lines.count] + #"\n"#
            structured += lines[k % lines.count] + " "
            k += 1
        }
        return ByteBuffer(string: #"{"content":[{"type":"text","text":"\#(text)"}],"structuredContent":{"summary":"\#(structured)"},"isError":false}"#)
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
