package import NIOCore
package import SwitchboardCore

/// The params of a request to a 2026-07-28 server (spec digest §2.2): every request carries
/// the protocol version, the client's capabilities and `clientInfo` in `_meta`, and the log
/// level when one was asked for. Those four keys are the gateway's to set (a client's own
/// values are replaced); every other `_meta` key the caller put there (progressToken,
/// traceparent, …) is kept as its original bytes, and so is the rest of the params.
package enum ModernRequestParams {
    /// The keys the gateway owns in a modern request's `_meta`.
    static let ownedKeys: Set<String> = [MCPMeta.protocolVersion, MCPMeta.clientCapabilities, MCPMeta.clientInfo, MCPMeta.logLevel]

    package struct Stamped {
        package var params: ByteBuffer
        /// What `Mcp-Name` carries for `method`, unencoded (see `UpstreamRequestRouting`).
        package var name: String?
    }

    /// `params` (an object, or nil for none) with the envelope stamped into its `_meta`.
    /// - Parameters:
    ///   - clientInfo: the `Implementation` object to send, as JSON.
    package static func stamp(
        _ params: ByteBuffer?,
        method: String,
        meta: UpstreamRequestMeta?,
        clientInfo: String
    ) -> Stamped {
        let envelope = { (existing: JSONView?) in
            envelopeJSON(
                keeping: existing, capabilities: meta?.clientCapabilities, clientInfo: clientInfo, logLevel: meta?.logLevel,
                traceParent: meta?.traceParent, traceState: meta?.traceState
            )
        }
        guard let params, let view = try? JSONView.parse(params, maxDepth: 128), view.isObject else {
            // No params (or, from a broken caller, params that are not an object, which the
            // server will refuse either way): the envelope alone.
            return Stamped(params: ByteBuffer(string: #"{"_meta":"# + envelope(nil) + "}"), name: nil)
        }
        let current = view["_meta"]
        let stamped = JSONSplice.setting("_meta", to: envelope(current?.isObject == true ? current : nil), in: view)
        return Stamped(params: stamped, name: routingName(method: method, params: view))
    }

    /// `params.name` for tools/call and prompts/get, `params.uri` for resources/read.
    package static func routingName(method: String, params: JSONView) -> String? {
        switch method {
        case MCPMethod.toolsCall, MCPMethod.promptsGet: params["name"]?.string
        case MCPMethod.resourcesRead: params["uri"]?.string
        case MCPMethod.tasksGet, MCPMethod.tasksUpdate, MCPMethod.tasksCancel: params["taskId"]?.string
        default: nil
        }
    }

    /// The new `_meta` object: ours first, then every other member of `existing` as it was.
    static func envelopeJSON(
        keeping existing: JSONView?, capabilities: ByteBuffer?, clientInfo: String, logLevel: String?, traceParent: String? = nil, traceState: String? = nil
    ) -> String {
        var out = ByteBuffer()
        out.writeString("{")
        out.writeString(#""io.modelcontextprotocol/protocolVersion":"# + JSONWriter.quoted(ProtocolRevision.latestModern))
        out.writeString(#","io.modelcontextprotocol/clientCapabilities":"#)
        if var capabilities, capabilities.readableBytes > 0 {
            out.writeBuffer(&capabilities)
        } else {
            out.writeString("{}")
        }
        out.writeString(#","io.modelcontextprotocol/clientInfo":"# + clientInfo)
        if let logLevel { out.writeString(#","io.modelcontextprotocol/logLevel":"# + JSONWriter.quoted(logLevel)) }
        // The gateway's trace context replaces the client's (whose span is not this hop's parent).
        if let traceParent {
            out.writeString(#","traceparent":"# + JSONWriter.quoted(traceParent))
            if let traceState { out.writeString(#","tracestate":"# + JSONWriter.quoted(traceState)) }
        }
        existing?.forEachMember { key, value in
            let name = key.decoded()
            guard !ownedKeys.contains(name), traceParent == nil || (name != "traceparent" && name != "tracestate") else { return true }
            out.writeString(",")
            JSONWriter.writeEscaped(name, into: &out)
            out.writeString(":")
            var bytes = value.bytes
            out.writeBuffer(&bytes)
            return true
        }
        out.writeString("}")
        return String(buffer: out)
    }
}
