package import NIOCore
package import NIOHTTP1
package import SwitchboardCore

/// A 2026-07-28 request at a front door (spec digest §1.4, §1.5, §2.2): recognised by the
/// protocol version in its `_meta`; over HTTP its headers are checked against the body before
/// anything is routed on them.
package struct ModernRequest {
    let version: String
    /// `_meta["io.modelcontextprotocol/clientCapabilities"]`: what this request may be asked.
    let capabilities: JSONView
    let clientName: String
    let logLevel: String?

    /// Why the request is refused: the HTTP status and the JSON-RPC error body.
    package struct Rejection: Error {
        package let status: HTTPResponseStatus
        package let body: ByteBuffer
    }

    /// A request that carries the modern envelope (and no legacy session).
    package static func isModern(_ message: JSONRPCMessage) -> Bool {
        message.params?["_meta"]?[MCPMeta.protocolVersion] != nil
    }

    /// `headers` are the HTTP request's (nil on stdio); `annotated` gives the `x-mcp-header`
    /// arguments of a tool, by its name as called.
    package static func check(_ message: JSONRPCMessage, headers: HTTPHeaders?, annotated: (String) -> [ParamHeaderIndex.Param]) -> Result<ModernRequest, Rejection> {
        let id = message.id
        func reject(_ code: Int, _ text: String, data: ByteBuffer? = nil) -> Result<ModernRequest, Rejection> {
            .failure(Rejection(status: .badRequest, body: JSONRPCEncoding.error(id: id, code: code, message: text, data: data)))
        }
        let meta = message.params?["_meta"]
        guard let version = meta?[MCPMeta.protocolVersion]?.string else {
            return reject(JSONRPCErrorCode.invalidParams, "Invalid params: _meta[\"\(MCPMeta.protocolVersion)\"] must be a string")
        }
        guard ProtocolRevision.modern.contains(version) else {
            return reject(JSONRPCErrorCode.unsupportedProtocolVersion, "Unsupported protocol version: \(version)", data: unsupportedData(requested: version))
        }
        // Over HTTP the headers must agree with the body; stdio has none.
        if let headers {
            guard let header = headers.first(name: "MCP-Protocol-Version") else {
                return reject(JSONRPCErrorCode.headerMismatch, "Header mismatch: MCP-Protocol-Version is required")
            }
            guard header == version else {
                return reject(JSONRPCErrorCode.headerMismatch, "Header mismatch: MCP-Protocol-Version \(header) differs from _meta protocolVersion \(version)")
            }
            if message.kind == .request, let method = message.method {
                guard let methodHeader = headers.first(name: "Mcp-Method") else {
                    return reject(JSONRPCErrorCode.headerMismatch, "Header mismatch: Mcp-Method is required")
                }
                guard methodHeader == method else {
                    return reject(JSONRPCErrorCode.headerMismatch, "Header mismatch: Mcp-Method \(methodHeader) differs from method \(method)")
                }
                if let nameKey = nameKey(for: method) {
                    let bodyName = message.params?[nameKey]?.string
                    guard let raw = headers.first(name: "Mcp-Name") else {
                        return reject(JSONRPCErrorCode.headerMismatch, "Header mismatch: Mcp-Name is required for \(method)")
                    }
                    guard let decoded = MCPHeaderValue.decode(raw), decoded == bodyName else {
                        return reject(JSONRPCErrorCode.headerMismatch, "Header mismatch: Mcp-Name differs from params.\(nameKey)")
                    }
                }
                if method == MCPMethod.toolsCall, let tool = message.params?["name"]?.string {
                    for param in annotated(tool) {
                        if let problem = mismatch(param, arguments: message.params?["arguments"], headers: headers) {
                            return reject(JSONRPCErrorCode.headerMismatch, "Header mismatch: \(problem)")
                        }
                    }
                }
            }
        }
        guard let capabilities = meta?[MCPMeta.clientCapabilities], capabilities.isObject else {
            return reject(JSONRPCErrorCode.invalidParams, "Invalid params: _meta[\"\(MCPMeta.clientCapabilities)\"] is required")
        }
        var logLevel: String?
        if let level = meta?[MCPMeta.logLevel] {
            guard let name = level.string, LogLevel.rank(name) != nil else {
                return reject(JSONRPCErrorCode.invalidParams, "Invalid params: logLevel must be one of \(LogLevel.names.joined(separator: ", "))")
            }
            logLevel = name
        }
        let clientName = meta?[MCPMeta.clientInfo]?["name"]?.string ?? "unknown"
        return .success(ModernRequest(version: version, capabilities: capabilities, clientName: clientName, logLevel: logLevel))
    }

    /// Why `Mcp-Param-{header}` disagrees with the argument it mirrors, or nil. The header is
    /// required when the argument is present and not null, and must be absent otherwise;
    /// integers compare numerically.
    static func mismatch(_ param: ParamHeaderIndex.Param, arguments: JSONView?, headers: HTTPHeaders) -> String? {
        let name = "Mcp-Param-" + param.header
        let value = arguments?[param.property]
        let header = headers.first(name: name)
        guard let value, !value.isNull else {
            return header == nil ? nil : "\(name) sent without the argument \(param.property)"
        }
        guard let header else { return "\(name) is required with the argument \(param.property)" }
        guard let decoded = MCPHeaderValue.decode(header) else { return "\(name) is not valid base64" }
        let matches: Bool
        if let text = value.string {
            matches = decoded == text
        } else if let flag = value.bool {
            matches = decoded == (flag ? "true" : "false")
        } else if let number = value.int {
            matches = Int(decoded) == number
        } else if let number = value.double {
            matches = Double(decoded) == number
        } else {
            matches = false
        }
        return matches ? nil : "\(name) differs from the argument \(param.property)"
    }

    /// The params member `Mcp-Name` must equal, for the methods that carry one.
    static func nameKey(for method: String) -> String? {
        switch method {
        case MCPMethod.toolsCall, MCPMethod.promptsGet: "name"
        case MCPMethod.resourcesRead: "uri"
        case MCPMethod.tasksGet, MCPMethod.tasksUpdate, MCPMethod.tasksCancel: "taskId"
        default: nil
        }
    }

    /// `data` of -32022: what is served and what was asked for.
    package static func unsupportedData(requested: String) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.key("supported")
        w.beginArray()
        for v in ProtocolRevision.modern { w.string(v) }
        w.endArray()
        w.field("requested", requested)
        w.endObject()
        return w.buffer
    }
}
