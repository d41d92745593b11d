import NIOCore
import NIOHTTP1
import SwitchboardCore

/// Whole HTTP/1.1 responses as raw bytes: status line, a few fixed headers, the body. The bench
/// upstream writes these past NIO's response encoder, so a reply is one buffer and one write.
enum BenchHTTPResponse {
    /// How the connection continues after this response.
    enum Connection {
        /// HTTP/1.1 keep-alive: no header needed.
        case persistent
        /// An HTTP/1.0 client that asked for keep-alive.
        case keepAlive
        case close

        init(_ head: HTTPRequestHead) {
            if !head.isKeepAlive {
                self = .close
            } else {
                self = head.version.major == 1 && head.version.minor == 0 ? .keepAlive : .persistent
            }
        }
    }

    static func json(_ body: ByteBuffer, sessionID: String? = nil, connection: Connection, allocator: ByteBufferAllocator) -> ByteBuffer {
        var out = allocator.buffer(capacity: body.readableBytes + 128)
        out.writeStaticString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        if let sessionID {
            out.writeStaticString("Mcp-Session-Id: ")
            out.writeString(sessionID)
            out.writeStaticString("\r\n")
        }
        finish(&out, connection: connection, body: body)
        return out
    }

    /// Every message as one `message` event. The stream is complete when written, so it is sent
    /// with a Content-Length and the connection stays usable for the next request.
    static func eventStream(_ messages: [ByteBuffer], connection: Connection, allocator: ByteBufferAllocator) -> ByteBuffer {
        var body = allocator.buffer(capacity: messages.reduce(0) { $0 + $1.readableBytes + 24 })
        for message in messages { SSEEncoder.writeEvent(message, type: "message", into: &body) }
        var out = allocator.buffer(capacity: body.readableBytes + 128)
        out.writeStaticString("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n")
        finish(&out, connection: connection, body: body)
        return out
    }

    /// A response with a status line such as `"202 Accepted"`, an optional extra header line
    /// (`"Allow: POST, DELETE\r\n"`) and an optional JSON body.
    static func status(
        _ statusLine: StaticString,
        extraHeaders: StaticString = "",
        json body: ByteBuffer? = nil,
        connection: Connection,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var out = allocator.buffer(capacity: (body?.readableBytes ?? 0) + 128)
        out.writeStaticString("HTTP/1.1 ")
        out.writeStaticString(statusLine)
        out.writeStaticString("\r\n")
        out.writeStaticString(extraHeaders)
        if body != nil { out.writeStaticString("Content-Type: application/json\r\n") }
        finish(&out, connection: connection, body: body ?? ByteBuffer())
        return out
    }

    /// A response built at run time: any status line and headers (the OAuth mode's redirects
    /// and challenges), an optional JSON body.
    static func dynamic(_ statusLine: String, headers: [(String, String)], json body: ByteBuffer?, connection: Connection, allocator: ByteBufferAllocator) -> ByteBuffer {
        var out = allocator.buffer(capacity: (body?.readableBytes ?? 0) + 256)
        out.writeString("HTTP/1.1 " + statusLine + "\r\n")
        for (name, value) in headers { out.writeString(name + ": " + value + "\r\n") }
        if body != nil { out.writeStaticString("Content-Type: application/json\r\n") }
        finish(&out, connection: connection, body: body ?? ByteBuffer())
        return out
    }

    private static func finish(_ out: inout ByteBuffer, connection: Connection, body: ByteBuffer) {
        switch connection {
        case .persistent: break
        case .keepAlive: out.writeStaticString("Connection: keep-alive\r\n")
        case .close: out.writeStaticString("Connection: close\r\n")
        }
        out.writeStaticString("Content-Length: ")
        out.writeString(String(body.readableBytes))
        out.writeStaticString("\r\n\r\n")
        out.writeImmutableBuffer(body)
    }
}

