package import NIOCore

/// A cheap look at a message's top-level keys, without validating or allocating: does it
/// answer a request (`result` or `error`, no `method`)? Streamable HTTP uses it to know
/// whether a POST's event stream ended before its response, which is when the stream is
/// resumed. A batch (2025-03-26) counts as an answer, so it is never resumed.
package enum JSONRPCResponseProbe {
    package static func isResponse(_ message: ByteBuffer) -> Bool {
        message.withUnsafeReadableBytes { bytes in
            var depth = 0
            var expectingKey = false
            var answers = false
            var hasMethod = false
            var index = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    let start = index + 1
                    index += 1
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                        if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                        index += 1
                    }
                    if depth == 1, expectingKey {
                        let key = UnsafeRawBufferPointer(rebasing: bytes[start..<min(index, bytes.count)])
                        if key.elementsEqual("result".utf8) || key.elementsEqual("error".utf8) { answers = true }
                        if key.elementsEqual("method".utf8) { hasMethod = true }
                        expectingKey = false
                    }
                case UInt8(ascii: "["):
                    if depth == 0 { return true }
                    depth += 1
                case UInt8(ascii: "{"):
                    depth += 1
                    if depth == 1 { expectingKey = true }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                case UInt8(ascii: ","):
                    if depth == 1 { expectingKey = true }
                default:
                    break
                }
                index += 1
            }
            return answers && !hasMethod
        }
    }
}
