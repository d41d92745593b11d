import NIOCore
import SwitchboardCore

/// A `CallToolResult` the gateway answers itself: one text block, optionally the same content
/// as `structuredContent` (raw JSON) and `isError`.
enum TextToolResult {
    static func make(_ text: String, structured: String? = nil, isError: Bool = false) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.key("content")
        w.beginArray()
        w.beginObject()
        w.field("type", "text")
        w.field("text", text)
        w.endObject()
        w.endArray()
        if let structured { w.field("structuredContent", raw: structured) }
        if isError { w.field("isError", true) }
        w.endObject()
        return w.buffer
    }
}
