import NIOCore
import SwitchboardCore

/// The `tools/list` results, encoded once at start: `echo` and `stream` plus `tool_0001`… up to
/// `count` tools besides `stream`, split into pages of `pageSize` (0: one page) chained by
/// `nextCursor`. A cursor is the index of the page's first tool, so any page can be looked up
/// without state. Every tool the upstream answers is listed: a gateway answers a name its
/// server does not list as unknown, without forwarding it.
struct BenchToolCatalogue: Sendable {
    let pageSize: Int
    let pages: [ByteBuffer]

    init(count: Int, pageSize: Int) {
        let names = ["echo", "stream"] + (1..<max(count, 1)).map { "tool_" + Self.padded($0) }
        let size = pageSize > 0 ? pageSize : max(count, 1)
        var pages: [ByteBuffer] = []
        var start = 0
        repeat {
            let end = min(start + size, names.count)
            var w = JSONWriter()
            w.beginObject()
            w.key("tools")
            w.beginArray()
            for name in names[start..<end] { Self.writeTool(name, into: &w) }
            w.endArray()
            if end < names.count { w.field("nextCursor", String(end)) }
            w.endObject()
            pages.append(w.buffer)
            start = end
        } while start < names.count
        self.pageSize = size
        self.pages = pages
    }

    /// The page a cursor names; nil for a cursor this catalogue never handed out.
    func page(cursor: String?) -> ByteBuffer? {
        guard let cursor else { return pages[0] }
        guard let start = Int(cursor), start > 0, start % pageSize == 0, start / pageSize < pages.count else { return nil }
        return pages[start / pageSize]
    }

    private static func writeTool(_ name: String, into w: inout JSONWriter) {
        w.beginObject()
        w.field("name", name)
        w.field("description", Self.descriptions[name] ?? "Benchmark tool; behaves like echo.")
        w.field("inputSchema", raw: name == "stream"
            ? #"{"type":"object","properties":{"count":{"type":"integer"}}}"#
            : #"{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"#)
        w.endObject()
    }

    private static let descriptions = [
        "echo": "Returns its text argument.",
        "stream": "Sends `count` progress notifications (to the request's progress token), then its result.",
    ]

    private static func padded(_ n: Int) -> String {
        let digits = String(n)
        return digits.count >= 4 ? digits : String(repeating: "0", count: 4 - digits.count) + digits
    }
}
