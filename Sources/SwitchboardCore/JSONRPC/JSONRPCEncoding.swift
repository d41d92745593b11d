public import NIOCore

/// Builders for the messages the gateway originates or re-frames. Values passed as
/// `ByteBuffer` are spliced in as the original JSON bytes.
public enum JSONRPCEncoding {
    public static func request(id: JSONRPCID, method: String, params: ByteBuffer?) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("jsonrpc", "2.0")
        w.field("id", raw: id.json)
        w.field("method", method)
        if let params { w.field("params", raw: params) }
        w.endObject()
        return w.buffer
    }

    public static func notification(method: String, params: ByteBuffer?) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("jsonrpc", "2.0")
        w.field("method", method)
        if let params { w.field("params", raw: params) }
        w.endObject()
        return w.buffer
    }

    public static func result(id: JSONRPCID, result: ByteBuffer) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("jsonrpc", "2.0")
        w.field("id", raw: id.json)
        w.field("result", raw: result)
        w.endObject()
        return w.buffer
    }

    /// An error response; `id` nil writes `"id": null` (the request could not be read).
    public static func error(id: JSONRPCID?, code: Int, message: String, data: ByteBuffer? = nil) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("jsonrpc", "2.0")
        w.key("id")
        if let id { w.raw(id.json) } else { w.null() }
        w.key("error")
        w.beginObject()
        w.field("code", code)
        w.field("message", message)
        if let data { w.field("data", raw: data) }
        w.endObject()
        w.endObject()
        return w.buffer
    }

    /// An error object re-framed under a new id (an upstream error relayed to the client).
    public static func error(id: JSONRPCID, errorObject: ByteBuffer) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.field("jsonrpc", "2.0")
        w.field("id", raw: id.json)
        w.field("error", raw: errorObject)
        w.endObject()
        return w.buffer
    }
}
