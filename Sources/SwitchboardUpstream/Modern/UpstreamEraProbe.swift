import NIOCore
package import SwitchboardCore

/// Reads the answer to the `server/discover` probe (spec digest §1.6, §2.3): whether the
/// server speaks 2026-07-28. Pure, so every branch is tested without a server. The fallback to
/// `initialize` never hangs on one error code: only a positive sign of a modern server counts.
package enum UpstreamEraProbe {
    package enum Outcome {
        /// A `DiscoverResult` that lists a version we speak.
        case modern(discoverResult: JSONView)
        /// A recognised 2026 error (-32022 naming a version we speak, -32020, -32021): the
        /// server is modern but did not describe itself this time.
        case modernError(String)
        /// Anything else (another error, a bare 4xx, no answer): talk to it with `initialize`.
        case legacy(String)
    }

    /// The server's JSON-RPC answer to the probe.
    package static func classify(_ response: JSONRPCMessage) -> Outcome {
        if let result = response.result {
            guard result.isObject, let versions = result["supportedVersions"], versions.isArray else {
                return .legacy("server/discover answered without supportedVersions")
            }
            let offered = versions.elements.compactMap(\.string)
            guard offered.contains(where: ProtocolRevision.modern.contains) else {
                return .legacy("server/discover offers only \(offered.joined(separator: ", "))")
            }
            return .modern(discoverResult: result)
        }
        guard let error = response.error else { return .legacy("server/discover got no answer") }
        if isModernError(error) { return .modernError(describe(error)) }
        return .legacy("server/discover failed: \(describe(error))")
    }

    /// An HTTP error status whose body is not a JSON-RPC error under the probe's id (a legacy
    /// server's "Missing session ID" has none, for one).
    package static func classify(httpStatus code: Int, body: String) -> Outcome {
        if let message = try? JSONRPCMessage.parse(ByteBuffer(string: body)), let error = message.error, isModernError(error) {
            return .modernError("HTTP \(code): \(describe(error))")
        }
        return .legacy("server/discover got HTTP \(code)")
    }

    /// Errors only a 2026-07-28 server sends (digest §6). -32022 counts only when it names a
    /// modern version we speak; a legacy server that merely shares the code would not.
    package static func isModernError(_ error: JSONView) -> Bool {
        switch error["code"]?.int {
        case JSONRPCErrorCode.unsupportedProtocolVersion?:
            return speaksModern(error["data"]?["supported"])
        case JSONRPCErrorCode.headerMismatch?, JSONRPCErrorCode.missingRequiredClientCapability?:
            return true
        default:
            return false
        }
    }

    /// Whether an `initialize` error says the server is modern only: -32022 whose `supported`
    /// names a modern version we speak (an SDK server locked to 2026-07-28 answers so).
    package static func refusesInitializeForModern(_ error: JSONView) -> Bool {
        error["code"]?.int == JSONRPCErrorCode.unsupportedProtocolVersion && speaksModern(error["data"]?["supported"])
    }

    private static func speaksModern(_ supported: JSONView?) -> Bool {
        supported?.elements.contains { $0.string.map(ProtocolRevision.modern.contains) ?? false } ?? false
    }

    private static func describe(_ error: JSONView) -> String {
        "\(error["code"]?.rawText ?? "?") \(error["message"]?.string ?? "")"
    }

    /// The `initialize`-shaped description of a modern server that the rest of the gateway
    /// reads (`capabilities`, `serverInfo`, `instructions`, `protocolVersion`), built from its
    /// `DiscoverResult`, whose server info sits in `_meta`.
    package static func initializeEquivalent(of discover: JSONView) -> JSONView {
        var w = JSONWriter()
        w.beginObject()
        w.field("protocolVersion", ProtocolRevision.latestModern)
        if let capabilities = discover["capabilities"], capabilities.isObject {
            w.field("capabilities", raw: capabilities.bytes)
        } else {
            w.field("capabilities", raw: "{}")
        }
        if let info = discover["_meta"]?[MCPMeta.serverInfo], info.isObject {
            w.field("serverInfo", raw: info.bytes)
        }
        if let instructions = discover["instructions"], instructions.isString {
            w.field("instructions", raw: instructions.bytes)
        }
        w.endObject()
        // Built from validated parts, so it parses; the fallback only keeps this total.
        return (try? JSONView.parse(w.buffer, maxDepth: 129))
            ?? JSONView(document: ByteBuffer(string: "{}"), range: 0..<2, kind: .object)
    }
}
