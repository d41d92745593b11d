import NIOCore
import SwitchboardCore

/// Answers the MCP methods a benchmark needs. The envelope is scanned (`JSONRPCMessage`), and the
/// answer is pre-encoded bytes with the request id (and, for `echo`, the text argument) spliced
/// in as their original JSON, so this server stays far cheaper per request than what it measures.
/// A 2026-07-28 request (as `BenchEraGate` judged it) gets the same answers with that
/// revision's members added: `resultType`, and cache hints on lists (spec digest §2.2, §7.2).
struct BenchResponder: Sendable {
    static let revisions = ["2025-03-26", "2025-06-18", "2025-11-25"]
    /// Caps `stream`'s `count` so one request cannot make the server buffer without bound.
    static let maxStreamCount = 10_000

    let serverName: String
    let catalogue: BenchToolCatalogue
    /// The `server/discover` result, encoded once.
    private let discoverResult: String

    init(serverName: String, tools: Int, pageSize: Int) {
        self.serverName = serverName
        self.catalogue = BenchToolCatalogue(count: tools, pageSize: pageSize)
        discoverResult = Self.discover(serverName: serverName)
    }

    /// The methods a 2026-07-28 request may name here; anything else is not found.
    static func servesModern(_ method: String) -> Bool {
        switch method {
        case MCPMethod.toolsCall, MCPMethod.toolsList, MCPMethod.serverDiscover: true
        default: false
        }
    }

    func reply(to message: JSONRPCMessage, modern: Bool) -> BenchReply {
        guard message.kind == .request, let id = message.id, let method = message.method else { return .accepted }
        guard !modern || Self.servesModern(method) else { return .message(notFound(id, method)) }
        switch method {
        case MCPMethod.toolsCall: return call(id, message.params, modern: modern)
        case MCPMethod.toolsList: return list(id, message.params, modern: modern)
        case MCPMethod.serverDiscover where modern: return .message(Self.response(id, discoverResult))
        case MCPMethod.ping: return .message(Self.response(id, #"{}"#))
        case MCPMethod.initialize: return .message(initialize(id, message.params))
        default: return .message(notFound(id, method))
        }
    }

    private func notFound(_ id: JSONRPCID, _ method: String) -> ByteBuffer {
        JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.methodNotFound, message: "Method not found: \(method)")
    }

    private func call(_ id: JSONRPCID, _ params: JSONView?, modern: Bool) -> BenchReply {
        let name = params?["name"]?.string ?? ""
        let arguments = params?["arguments"]
        if name == "stream" { return stream(id, arguments: arguments, token: params?["_meta"]?["progressToken"], modern: modern) }
        guard name == "echo" || name.hasPrefix("tool_") else {
            return .message(JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.invalidParams, message: "Unknown tool: \(name)"))
        }
        // The text goes back as the exact JSON string it arrived as, escapes and all.
        let text = arguments?["text"].flatMap { $0.isString ? $0.bytes : nil }
        var out = Self.responsePrefix(id, capacity: 64 + (text?.readableBytes ?? 2))
        out.writeStaticString(#"{"content":[{"type":"text","text":"#)
        if let text { out.writeImmutableBuffer(text) } else { out.writeStaticString(#""""#) }
        out.writeStaticString(modern ? #"}],"resultType":"complete"}}"# : "}]}}")
        return .message(out)
    }

    private func stream(_ id: JSONRPCID, arguments: JSONView?, token: JSONView?, modern: Bool) -> BenchReply {
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
        let complete = modern ? #","resultType":"complete""# : ""
        messages.append(Self.response(id, #"{"content":[{"type":"text","text":"streamed \#(count)"}]\#(complete)}"#))
        return .stream(messages)
    }

    private func list(_ id: JSONRPCID, _ params: JSONView?, modern: Bool) -> BenchReply {
        let cursor = params?["cursor"]?.string
        guard let page = catalogue.page(cursor: cursor) else {
            return .message(JSONRPCEncoding.error(id: id, code: JSONRPCErrorCode.invalidParams, message: "Invalid cursor"))
        }
        var out = Self.responsePrefix(id, capacity: page.readableBytes + 100)
        if modern {
            // The page object without its closing brace, then the members 2026-07-28 adds. The
            // catalogue never changes, but ttlMs 0 makes no promise the bench does not test.
            out.writeImmutableBuffer(page.getSlice(at: page.readerIndex, length: page.readableBytes - 1)!)
            out.writeStaticString(#","resultType":"complete","ttlMs":0,"cacheScope":"public"}"#)
        } else {
            out.writeImmutableBuffer(page)
        }
        out.writeStaticString("}")
        return .message(out)
    }

    /// A `DiscoverResult` (spec digest §2.3). Only `tools`: without `listChanged` a gateway
    /// has no reason to hold a `subscriptions/listen` stream open, which this server lacks.
    private static func discover(serverName: String) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("resultType", "complete")
        w.key("supportedVersions")
        w.beginArray()
        for version in ProtocolRevision.modern { w.string(version) }
        w.endArray()
        w.field("capabilities", raw: #"{"tools":{}}"#)
        w.key("_meta")
        w.beginObject()
        w.key(MCPMeta.serverInfo)
        w.beginObject()
        w.field("name", serverName)
        w.field("version", "1.0.0")
        w.endObject()
        w.endObject()
        w.field("ttlMs", 0)
        w.field("cacheScope", "public")
        w.endObject()
        return String(buffer: w.buffer)
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
