import Foundation
package import NIOCore
package import SwitchboardCore

/// A payload as the trail keeps it (`audit.capture`): every value under a key that holds one
/// of the redaction words (case-insensitive, anywhere in the key: `access_token`, `X-Api-Key`)
/// replaced by `"[redacted]"`, at any depth; then, when longer than `maxBytes`, cut to that
/// many bytes and kept as text instead (a cut JSON text is no longer JSON).
package struct AuditRedaction: Sendable {
    /// Lowercased, `-` read as `_`.
    private let words: [String]
    package let maxBytes: Int

    package static let marker = "[redacted]"

    package init(words: [String], maxBytes: Int) {
        self.words = Array(Set(words.map(Self.normalized))).sorted()
        self.maxBytes = maxBytes
    }

    package enum Kept: Equatable, Sendable {
        /// The redacted JSON value.
        case json(ByteBuffer)
        /// Its first `maxBytes` bytes (on a UTF-8 boundary), as text.
        case cut(String)
    }

    package func apply(_ value: JSONView) -> Kept {
        var writer = JSONWriter()
        write(value, into: &writer)
        let json = writer.buffer
        guard json.readableBytes > maxBytes else { return .json(json) }
        let bytes = json.readableBytesView.prefix(maxBytes)
        // Back off to the start of a character: a cut never splits one.
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] & 0xC0 == 0x80 { end -= 1 }
        if end > bytes.startIndex, bytes[end - 1] >= 0xC0 { end -= 1 }
        return .cut(String(decoding: bytes[..<end], as: UTF8.self))
    }

    package func redacts(_ key: String) -> Bool {
        let name = Self.normalized(key)
        return words.contains { name.contains($0) }
    }

    private func write(_ value: JSONView, into writer: inout JSONWriter) {
        switch value.kind {
        case .object:
            writer.beginObject()
            for (key, member) in value.members {
                writer.key(key)
                if redacts(key) { writer.string(Self.marker) } else { write(member, into: &writer) }
            }
            writer.endObject()
        case .array:
            writer.beginArray()
            for element in value.elements { write(element, into: &writer) }
            writer.endArray()
        default:
            writer.raw(value.bytes)
        }
    }

    private static func normalized(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "-", with: "_")
    }
}
