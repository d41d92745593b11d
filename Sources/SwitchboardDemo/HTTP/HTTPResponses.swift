import NIOCore
import NIOHTTP1

typealias HTTPOutbound = NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>

/// Builds the responses of the Streamable HTTP transport.
enum HTTPResponses {
    static let sessionHeader = "Mcp-Session-Id"

    /// A complete response with a JSON body.
    static func json(
        _ status: HTTPResponseStatus,
        _ body: JSONValue,
        keepAlive: Bool,
        headers extra: [(String, String)] = []
    ) -> [HTTPServerResponsePart] {
        let bytes = ByteBuffer(bytes: body.serializedBytes)
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(bytes.readableBytes)")])
        headers.add(contentsOf: extra)
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        return [.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)), .body(.byteBuffer(bytes)), .end(nil)]
    }

    /// An HTTP-level refusal, with an id-less JSON-RPC error that says why.
    static func refusal(_ status: HTTPResponseStatus, _ error: JSONRPCError, keepAlive: Bool, headers: [(String, String)] = [])
        -> [HTTPServerResponsePart]
    {
        json(status, JSONRPCEnvelope.error(id: nil, error), keepAlive: keepAlive, headers: headers)
    }

    static func empty(_ status: HTTPResponseStatus, keepAlive: Bool) -> [HTTPServerResponsePart] {
        var headers = HTTPHeaders([("Content-Length", "0")])
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        return [.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)), .end(nil)]
    }

    /// The head of an open-ended `text/event-stream` response (chunked).
    static func eventStreamHead(keepAlive: Bool) -> HTTPServerResponsePart {
        var headers = HTTPHeaders([("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")])
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        return .head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))
    }

    /// One SSE `message` event; the JSON is a single line, so one `data:` field holds it.
    static func event(_ message: JSONValue) -> HTTPServerResponsePart {
        .body(.byteBuffer(ByteBuffer(bytes: Array("event: message\ndata: ".utf8) + message.serializedBytes + Array("\n\n".utf8))))
    }

    /// An SSE comment, which clients ignore: keeps idle streams and the proxies in between alive.
    static func comment(_ text: String) -> HTTPServerResponsePart {
        .body(.byteBuffer(ByteBuffer(string: ": \(text)\n\n")))
    }
}
