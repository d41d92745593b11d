import Foundation
package import NIOCore
package import NIOHTTP1
package import SwitchboardCore

/// An HTTP response as a `tools/call` result. A 2xx JSON body is the `structuredContent` (as
/// the operation's output schema says) and, serialized, the text; other 2xx bodies are text,
/// an image or an embedded blob; any other status is a tool error naming the status and
/// quoting the start of the body, which is what a model can act on.
package enum OpenAPIToolResult {
    /// Longest body excerpt quoted in an error.
    package static let excerptBytes = 2048

    package static func make(status: HTTPResponseStatus, contentType: String?, body: ByteBuffer, operation: OpenAPIOperation) -> ByteBuffer {
        guard (200..<300).contains(Int(status.code)) else {
            var text = "HTTP \(status.code) \(status.reasonPhrase) from \(operation.method) \(operation.pathTemplate)"
            let excerpt = String(decoding: body.readableBytesView.prefix(excerptBytes), as: UTF8.self)
            if !excerpt.isEmpty { text += ": " + excerpt + (body.readableBytes > excerptBytes ? "…" : "") }
            return error(text)
        }
        let type = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if body.readableBytes == 0 {
            if operation.result != .undeclared {
                return error("HTTP \(status.code) with no body from \(operation.method) \(operation.pathTemplate), where the document declares one")
            }
            return text("HTTP \(status.code) \(status.reasonPhrase)")
        }
        if type == "application/json" || type.hasSuffix("+json"), let json = try? JSONView.parse(body, maxDepth: 256) {
            return structured(json, operation: operation)
        }
        if type.hasPrefix("image/") {
            var writer = opened()
            writer.beginObject()
            writer.field("type", "image")
            writer.field("data", Data(body.readableBytesView).base64EncodedString())
            writer.field("mimeType", type)
            writer.endObject()
            return closed(writer, isError: false)
        }
        if type.isEmpty || type.hasPrefix("text/") || type.hasSuffix("xml") || type == "application/x-www-form-urlencoded" || type.hasSuffix("javascript") {
            return text(String(decoding: body.readableBytesView, as: UTF8.self))
        }
        var writer = opened()
        writer.beginObject()
        writer.field("type", "resource")
        writer.key("resource")
        writer.beginObject()
        writer.field("uri", "openapi:\(operation.name)")
        writer.field("mimeType", type)
        writer.field("blob", Data(body.readableBytesView).base64EncodedString())
        writer.endObject()
        writer.endObject()
        return closed(writer, isError: false)
    }

    /// A result saying what went wrong, for the model to read.
    package static func error(_ message: String) -> ByteBuffer {
        var writer = opened()
        textBlock(&writer, message)
        return closed(writer, isError: true)
    }

    private static func text(_ text: String) -> ByteBuffer {
        var writer = opened()
        textBlock(&writer, text)
        return closed(writer, isError: false)
    }

    private static func structured(_ json: JSONView, operation: OpenAPIOperation) -> ByteBuffer {
        if operation.result == .object, !json.isObject {
            return error("\(operation.method) \(operation.pathTemplate) answered with JSON that is not an object, where the document declares one: \(json.rawText.prefix(excerptBytes))")
        }
        var writer = opened()
        textBlock(&writer, json.rawText)
        writer.endArray()
        switch operation.result {
        case .object:
            writer.field("structuredContent", raw: json.bytes)
        case .wrapped:
            writer.key("structuredContent")
            writer.beginObject()
            writer.field("result", raw: json.bytes)
            writer.endObject()
        case .undeclared:
            if json.isObject { writer.field("structuredContent", raw: json.bytes) }
        }
        writer.endObject()
        return writer.buffer
    }

    private static func opened() -> JSONWriter {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("content")
        writer.beginArray()
        return writer
    }

    private static func textBlock(_ writer: inout JSONWriter, _ text: String) {
        writer.beginObject()
        writer.field("type", "text")
        writer.field("text", text)
        writer.endObject()
    }

    private static func closed(_ writer: JSONWriter, isError: Bool) -> ByteBuffer {
        var writer = writer
        writer.endArray()
        if isError { writer.field("isError", true) }
        writer.endObject()
        return writer.buffer
    }
}
