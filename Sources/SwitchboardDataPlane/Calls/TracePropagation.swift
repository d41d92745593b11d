import NIOCore
import SwitchboardCore

/// The trace context of a request to a legacy (2025-11-25 and earlier) server, in its
/// `params._meta` (SEP-414's unprefixed `traceparent` and `tracestate`): the gateway's CLIENT
/// span as the parent, never the client's own `traceparent` (which would make the server's
/// span a sibling of the gateway's). A 2026-07-28 server gets the same through its envelope
/// (`ModernRequestParams`).
enum TracePropagation {
    /// `params` (an object) with `_meta.traceparent` set to `traceParent` and `_meta.tracestate`
    /// to `traceState` (removed when nil); other `_meta` members and the rest stay as they are.
    static func stamp(_ params: ByteBuffer, traceParent: String, traceState: String?) -> ByteBuffer {
        guard let view = try? JSONView.parse(params, maxDepth: 256), view.isObject else { return params }
        var members = #""traceparent":"# + JSONWriter.quoted(traceParent)
        if let traceState { members += #","tracestate":"# + JSONWriter.quoted(traceState) }
        guard let meta = view["_meta"], meta.isObject else { return JSONSplice.setting("_meta", to: "{" + members + "}", in: view) }
        let kept = JSONSplice.removing(["traceparent", "tracestate"], from: meta) ?? meta.bytes
        return JSONSplice.setting("_meta", to: String(buffer: JSONSplice.inserting(members, into: kept)), in: view)
    }
}
