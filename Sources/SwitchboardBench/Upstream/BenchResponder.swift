import NIOCore
import SwitchboardCore

/// Answers the MCP methods a benchmark needs. The envelope is scanned (`JSONRPCMessage`), and the
/// answer is pre-encoded bytes with the request id (and, for `echo`, the text argument) spliced
/// in as their original JSON, so this server stays far cheaper per request than what it measures.
struct BenchResponder: Sendable {
    static let revisions = ["2025-03-26", "2025-06-18", "2025-11-25"]
    /// Caps `stream`'s `count` so one request cannot make the server buffer without bound.
    static let maxStreamCount = 10_000

    let serverName: String
    let catalogue: BenchToolCatalogue

    init(serverName: String, tools: Int, pageSize: Int) {
        self.serverName = serverName
        self.catalogue = BenchToolCatalogue(count: tools, pageSize: pageSize)
    }

    func reply(to message: JSONRPCMessage) -> BenchReply {
        guard message.kind == .request, let id = message.id, let method = message.method else { return .accepted }
        switch method {
        case MCPMethod.toolsCall: return call(id, message.params)
        case MCPMethod.toolsList: return list(id, message.params)
        case MCPMethod.ping: return .message(Self.response(id, #"{}"#))
        case MCPMethod.initialize: return .message(initialize(id, message.params))
        default: return .message(JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.methodNotFound, message: "Method not found: \(method)"))
        }
    }

    private func call(_ id: JSONRPCID, _ params: JSONView?) -> BenchReply {
        let name = params?["name"]?.string ?? ""
        let arguments = params?["arguments"]
        if name == "stream" { return stream(id, arguments: arguments, token: params?["_meta"]?["progressToken"]) }
        guard name == "echo" || name.hasPrefix("tool_") else {
            return .message(JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.invalidParams, message: "Unknown tool: \(name)"))
        }
        // The text goes back as the exact JSON string it arrived as, escapes and all.
        let text = arguments?["text"].flatMap { $0.isString ? $0.bytes : nil }
        var out = Self.responsePrefix(id, capacity: 64 + (text?.readableBytes ?? 2))
        out.writeStaticString(#"{"content":[{"type":"text","text":"#)
        if let text { out.writeImmutableBuffer(text) } else { out.writeStaticString(#""""#) }
        out.writeStaticString("}]}}")
        return .message(out)
    }

    private func stream(_ id: JSONRPCID, arguments: JSONView?, token: JSONView?) -> BenchReply {
        let count = arguments?["count"]?.int ?? 0
        guard (0...Self.maxStreamCount).contains(count) else {
            return .message(JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.invalidParams, message: "count must be 0…\(Self.maxStreamCount)"))
        }
        var messages: [ByteBuffer] = []
        // Progress goes only to a request that asked for it with a token (MCP progress rules).
        if let token, count > 0 {
            messages.reserveCapacity(count + 1)
            let tokenBytes = token.bytes
            for step in 1...count {
                var n = ByteBuffer()
                n.writeStaticString(#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"#)
                n.writeImmutableBuffer(tokenBytes)
                n.writeString(#","progress":\#(step),"total":\#(count)}}"#)
                messages.append(n)
            }
        }
        messages.append(Self.response(id, #"{"content":[{"type":"text","text":"streamed \#(count)"}]}"#))
        return .stream(messages)
    }

    private func list(_ id: JSONRPCID, _ params: JSONView?) -> BenchReply {
        let cursor = params?["cursor"]?.string
        guard let page = catalogue.page(cursor: cursor) else {
            return .message(JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.invalidParams, message: "Invalid cursor"))
        }
        var out = Self.responsePrefix(id, capacity: page.readableBytes + 40)
        out.writeImmutableBuffer(page)
        out.writeStaticString("}")
        return .message(out)
    }

    private func initialize(_ id: JSONRPCID, _ params: JSONView?) -> ByteBuffer {
        let requested = params?["protocolVersion"]?.string
        let version = requested.flatMap { Self.revisions.contains($0) ? $0 : nil } ?? Self.revisions.last!
        var w = JSONWriter()
        w.beginObject()
        w.field("protocolVersion", version)
        // The list never changes, so promising to announce changes is honest; it lets the
        // gateway cache the list as it does for any server that announces its changes.
        w.field("capabilities", raw: #"{"tools":{"listChanged":true}}"#)
        w.key("serverInfo")
        w.beginObject()
        w.field("name", serverName)
        w.field("version", "1.0.0")
        w.endObject()
        w.endObject()
        return JSONRPCEncoding.result(id: id, result: w.buffer)
    }

    /// `{"jsonrpc":"2.0","id":ID,"result":` — the caller writes the result and the closing brace.
    /// Written directly rather than with `JSONWriter`, whose comma bookkeeping allocates.
    private static func responsePrefix(_ id: JSONRPCID, capacity: Int) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(32 + capacity + id.json.utf8.count)
        out.writeStaticString(#"{"jsonrpc":"2.0","id":"#)
        out.writeString(id.json)
        out.writeStaticString(#","result":"#)
        return out
    }

    private static func response(_ id: JSONRPCID, _ result: String) -> ByteBuffer {
        var out = responsePrefix(id, capacity: result.utf8.count + 1)
        out.writeString(result)
        out.writeStaticString("}")
        return out
    }
}
