public import NIOCore
import NIOHTTP1
import SwitchboardCore

/// Answers one request of a `TestHTTPServer`, at once or later from any thread: a whole
/// response, or an open event stream written piece by piece.
public final class TestHTTPResponder: Sendable {
    let channel: any Channel

    init(channel: any Channel) {
        self.channel = channel
    }

    public var eventLoop: any EventLoop { channel.eventLoop }

    /// A complete response with `Content-Length`.
    public func respond(status: Int, headers: [(String, String)] = [], body: String = "") {
        var head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: status))
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        head.headers.replaceOrAdd(name: "Content-Length", value: String(body.utf8.count))
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        if !body.isEmpty { channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil) }
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
    }

    /// A JSON response.
    public func json(_ body: String, status: Int = 200, headers: [(String, String)] = []) {
        respond(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// Starts a chunked `text/event-stream` response; follow with `write`, `event` and `end`.
    public func startEventStream(status: Int = 200, headers: [(String, String)] = []) {
        var head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: status))
        head.headers.add(name: "Content-Type", value: "text/event-stream")
        head.headers.add(name: "Cache-Control", value: "no-cache")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        channel.writeAndFlush(HTTPServerResponsePart.head(head), promise: nil)
    }

    /// Writes raw body bytes as one chunk, flushed (one TCP write).
    public func write(_ text: String) {
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: text))), promise: nil)
    }

    /// Writes one event.
    public func event(_ data: String, type: String? = nil, id: String? = nil, retry: Int? = nil) {
        var buffer = ByteBuffer()
        SSEEncoder.writeEvent(data, type: type, id: id, retry: retry, into: &buffer)
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
    }

    /// Ends the response (the last chunk of a stream).
    public func end() {
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
    }

    /// Drops the connection without ending the response.
    public func closeConnection() {
        channel.close(promise: nil)
    }

    /// Runs `body` after a delay, on the connection's event loop.
    public func after(milliseconds: Int64, _ body: @escaping @Sendable () -> Void) {
        channel.eventLoop.scheduleTask(in: .milliseconds(milliseconds), body)
    }

    /// Whether the connection is still open.
    public var isConnected: Bool { channel.isActive }
}
