import NIOCore
import SwitchboardCore

/// `{"tools":[…]}` from tool items as they are (a one-page list, a search's finds, the REST
/// front door's catalogue).
enum ToolListJSON {
    static func encode(_ items: [ByteBuffer]) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.key("tools")
        w.beginArray()
        for item in items { w.raw(item) }
        w.endArray()
        w.endObject()
        return w.buffer
    }
}
