import NIOCore
import NIOHTTP1
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardIdentity

/// What the webhook sink and the two OTLP exports (audit logs, spans) share: one batch POSTed
/// with the configured headers, delivered only on a 2xx, the URL named redacted in errors.
enum HTTPExport {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `fields` are set on top of the configured `headers` (Content-Type, signatures…).
    static func post(_ body: [UInt8], with client: OneShotHTTPClient, headers: [HTTPHeaderField], fields: [(String, String)]) throws(Failure) {
        var all = HTTPHeaders()
        for header in headers { all.add(name: header.name, value: header.value) }
        for (name, value) in fields { all.replaceOrAdd(name: name, value: value) }
        let response: OneShotHTTPResponse
        do {
            response = try client.execute(method: .POST, headers: all, body: body).wait()
        } catch {
            throw Failure(description: "\(client.url.redacted): \(error)")
        }
        guard (200..<300).contains(response.status) else { throw Failure(description: "\(client.url.redacted) answered \(response.status)") }
    }

    /// `endpoint` with OTLP's signal path (`/v1/traces`, `/v1/logs`) added unless it ends with it.
    static func otlpURL(_ endpoint: WebURL, signal: String) -> WebURL {
        var url = endpoint
        let path = "/v1/" + signal
        if !url.pathAndQuery.hasSuffix(path) {
            url.pathAndQuery = (url.pathAndQuery.hasSuffix("/") ? String(url.pathAndQuery.dropLast()) : url.pathAndQuery) + path
        }
        return url
    }
}

/// OTLP's JSON encoding (ids hex, 64-bit numbers as strings), written straight into bytes:
/// Foundation's JSONSerialization cost more than the records themselves.
enum OTLPJSON {
    /// `{"resource<Kind>":[{"resource":{"attributes":…},"scope<Kind>":[{"scope":…,"<items>":[…]}]}]}`.
    static func request(
        kind: String, items: String, resource: [(String, String)], scope: String, version: String?, write: (inout JSONWriter) -> Void
    ) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.key("resource" + kind)
        w.beginArray()
        w.beginObject()
        w.key("resource")
        w.beginObject()
        w.key("attributes")
        w.beginArray()
        for (key, value) in resource { attribute(&w, key, .string(value)) }
        w.endArray()
        w.endObject()
        w.key("scope" + kind)
        w.beginArray()
        w.beginObject()
        w.key("scope")
        w.beginObject()
        w.field("name", scope)
        if let version { w.field("version", version) }
        w.endObject()
        w.key(items)
        w.beginArray()
        write(&w)
        w.endArray()
        w.endObject()
        w.endArray()
        w.endObject()
        w.endArray()
        w.endObject()
        return w.buffer
    }

    static func attribute(_ w: inout JSONWriter, _ key: String, _ value: FinishedSpan.Value) {
        w.beginObject()
        w.field("key", key)
        w.key("value")
        w.beginObject()
        switch value {
        case .string(let text): w.field("stringValue", text)
        case .int(let number): w.field("intValue", String(number))
        }
        w.endObject()
        w.endObject()
    }
}
