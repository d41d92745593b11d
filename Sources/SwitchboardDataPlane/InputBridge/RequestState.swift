import Crypto
import SwitchboardPolicy
import NIOCore
import SwitchboardCore

/// The `requestState` this gateway gives a 2026-07-28 client with `input_required` (spec
/// digest §4.1): `{"h":handle,"m":method,"n":name,"s":server,"a":arguments digest,
/// "q":[[key,digest],…]}`, sealed for the call's hold time with a purpose bound to the caller
/// and endpoint it was issued to (authenticated, not carried), so another caller's retry
/// cannot take over the call. Plus what is built around it: the `input_required` result, the
/// digests that bind a retry to its request, and how a server's question is relayed.
enum RequestState {
    static let purpose = "mrtr"

    static func purpose(for session: DownstreamSession) -> String {
        purpose + "\u{0}" + session.principal.id + "\u{0}" + (session.virtualServer ?? "")
    }

    static func seal(
        handle: String, method: String, name: String, server: String, arguments: String, questions: [ForwardedCall.Question], ttl: Duration,
        for session: DownstreamSession, sealer: Sealer
    ) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("h", handle)
        w.field("m", method)
        w.field("n", name)
        w.field("s", server)
        w.field("a", arguments)
        w.key("q")
        w.beginArray()
        for q in questions {
            w.beginArray()
            w.string(q.key)
            w.string(q.digest)
            w.endArray()
        }
        w.endArray()
        w.endObject()
        return sealer.seal(Array(w.buffer.readableBytesView), purpose: purpose(for: session), ttl: ttl)
    }

    /// `{"resultType":"input_required","inputRequests":{key:{method,params},…},"requestState":…}`.
    static func inputRequired(_ questions: [ForwardedCall.Question], state: String) -> ByteBuffer {
        inputRequired(questions.map { (key: $0.key, method: $0.method, params: $0.params) }, state: state)
    }

    /// The gateway's own questions (an approval, a result's release) under their keys.
    static func inputRequired(_ requests: [(key: String, method: String, params: ByteBuffer)], state: String) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("resultType", "input_required")
        w.key("inputRequests")
        w.beginObject()
        for request in requests {
            w.key(request.key)
            w.beginObject()
            w.field("method", request.method)
            w.field("params", raw: request.params)
            w.endObject()
        }
        w.endObject()
        w.field("requestState", state)
        w.endObject()
        return w.buffer
    }

    /// The client capability a server-to-client method needs.
    static func capability(for method: String) -> String? {
        switch method {
        case MCPMethod.samplingCreateMessage: "sampling"
        case MCPMethod.elicitationCreate: "elicitation"
        case MCPMethod.rootsList: "roots"
        default: nil
        }
    }

    /// The capability a question needs, as a path: URL-mode elicitation needs
    /// `elicitation.url` (form mode must never stand in for it, §4.4).
    static func requiredCapability(for question: ForwardedCall.Question) -> [String]? {
        guard let capability = capability(for: question.method) else { return nil }
        if question.method == MCPMethod.elicitationCreate, (try? JSONView.parse(question.params))?["mode"]?.string == "url" {
            return [capability, "url"]
        }
        return [capability]
    }

    /// SHA-256 of the method and the server's params bytes, hex, truncated to 128 bits.
    static func digest(method: String, params: JSONView?) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(method.utf8))
        hasher.update(data: [0])
        if let params { hasher.update(data: Array(params.bytes.readableBytesView)) }
        return hex(hasher.finalize().prefix(16))
    }

    /// Digest of a request's `arguments` (tools/call, prompts/get) or `uri`: a retry must
    /// repeat the same ones, or it is not the request the state was given for.
    static func argumentsDigest(_ params: JSONView?) -> String {
        var hasher = SHA256()
        if let arguments = params?["arguments"] ?? params?["uri"] { hasher.update(data: Array(arguments.bytes.readableBytesView)) }
        return hex(hasher.finalize().prefix(16))
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A server's request params as the gateway relays them to any client: an aggregating
    /// gateway must not let one server pull in another server's context (§4.4).
    static func relayable(method: String, params: JSONView?) -> ByteBuffer? {
        guard var p = params else { return nil }
        // 2025-11-25 task augmentation has no meaning to the client the gateway relays to.
        if let stripped = JSONSplice.removing(["task"], from: p), let view = try? JSONView.parse(stripped) { p = view }
        if method == MCPMethod.samplingCreateMessage, let include = p["includeContext"], include.string != "none" {
            return JSONSplice.replacing(in: p, [(include, #""none""#)])
        }
        return p.bytes
    }
}
