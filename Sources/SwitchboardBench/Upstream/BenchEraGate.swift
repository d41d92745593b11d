import NIOCore
import NIOHTTP1
import SwitchboardCore

/// Decides, before the responder sees a message, which era it belongs to and whether this
/// upstream serves it: a request is 2026-07-28 when `params._meta` carries the protocol version
/// (spec digest §1.5), and such a request is checked the way a modern server must check it
/// (§1.4: headers against the body, required `_meta`). A gateway that sends modern requests
/// wrongly is then refused here, as a real server would refuse it.
struct BenchEraGate: Sendable {
    enum Verdict {
        case legacy
        case modern
        case refuse(Refusal)
    }

    /// An answer in place of the responder's: an HTTP status and a JSON-RPC error body, or no
    /// body at all (a legacy server's bare 400).
    struct Refusal {
        let status: StaticString
        let body: ByteBuffer?
    }

    let era: BenchEra

    /// - Parameters:
    ///   - headers: the HTTP request's headers; nil over stdio, where there are none to check.
    ///   - inSession: the HTTP request named a session this server issued (never in `.modern`,
    ///     which ignores the header).
    func admit(_ message: JSONRPCMessage, headers: HTTPHeaders?, inSession: Bool) -> Verdict {
        // A request within a session is legacy whatever its `_meta` holds (spec digest §1.5).
        guard !inSession else { return .legacy }
        let meta = message.params?["_meta"]
        if let version = meta?[MCPMeta.protocolVersion] {
            guard era != .legacy else {
                // A 2025 server over HTTP refuses a request outside any session without saying
                // why in JSON-RPC; over stdio it ignores `_meta` members it does not know.
                return headers != nil ? .refuse(Refusal(status: "400 Bad Request", body: nil)) : .legacy
            }
            return checkModern(message, version: version, meta: meta, headers: headers)
        }
        guard era == .modern, message.kind == .request else { return .legacy }
        if message.method == MCPMethod.initialize {
            let requested = message.params?["protocolVersion"]
            return refuse(
                message, code: JSONRPCErrorCode.unsupportedProtocolVersion, "Unsupported protocol version: this server speaks 2026-07-28 only",
                data: Self.unsupportedData(requested: requested?.rawText ?? "null")
            )
        }
        return refuse(message, code: JSONRPCErrorCode.invalidParams, #"Invalid params: _meta["\#(MCPMeta.protocolVersion)"] is required"#)
    }

    private func checkModern(_ message: JSONRPCMessage, version: JSONView, meta: JSONView?, headers: HTTPHeaders?) -> Verdict {
        // A notification is never answered, so there is nobody to tell what is wrong with it.
        guard message.kind == .request else { return .modern }
        guard let text = version.string, ProtocolRevision.modern.contains(text) else {
            return refuse(
                message, code: JSONRPCErrorCode.unsupportedProtocolVersion, "Unsupported protocol version: \(version.rawText)",
                data: Self.unsupportedData(requested: version.rawText)
            )
        }
        if let headers {
            guard headers.first(name: "MCP-Protocol-Version") == text else {
                return refuse(message, code: JSONRPCErrorCode.headerMismatch, "Header mismatch: MCP-Protocol-Version must be \(text)")
            }
            if let method = message.method {
                guard headers.first(name: "Mcp-Method") == method else {
                    return refuse(message, code: JSONRPCErrorCode.headerMismatch, "Header mismatch: Mcp-Method must be \(method)")
                }
                if method == MCPMethod.toolsCall {
                    let name = headers.first(name: "Mcp-Name").flatMap(MCPHeaderValue.decode)
                    guard let name, name == message.params?["name"]?.string else {
                        return refuse(message, code: JSONRPCErrorCode.headerMismatch, "Header mismatch: Mcp-Name must equal params.name")
                    }
                }
            }
        }
        guard meta?[MCPMeta.clientCapabilities]?.isObject == true else {
            return refuse(message, code: JSONRPCErrorCode.invalidParams, #"Invalid params: _meta["\#(MCPMeta.clientCapabilities)"] is required"#)
        }
        if headers != nil, let method = message.method, !BenchResponder.servesModern(method) {
            // Over HTTP an unknown method is a 404 whose body tells it from a missing endpoint.
            let body = JSONRPCEncoding.error(id: message.id, code: JSONRPCErrorCode.methodNotFound, message: "Method not found: \(method)")
            return .refuse(Refusal(status: "404 Not Found", body: body))
        }
        return .modern
    }

    private func refuse(_ message: JSONRPCMessage, code: Int, _ text: String, data: ByteBuffer? = nil) -> Verdict {
        .refuse(Refusal(status: "400 Bad Request", body: JSONRPCEncoding.error(id: message.id, code: code, message: text, data: data)))
    }

    /// `data` of -32022; `requested` is the JSON the client sent (or `null`).
    private static func unsupportedData(requested: String) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.key("supported")
        w.beginArray()
        for version in ProtocolRevision.modern { w.string(version) }
        w.endArray()
        w.field("requested", raw: requested)
        w.endObject()
        return w.buffer
    }
}
