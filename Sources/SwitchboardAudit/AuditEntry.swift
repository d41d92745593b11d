import NIOCore
import SwitchboardCore

/// One record as read back from the journal: its stored line (what sinks pass on, byte for
/// byte) and its fields taken apart (what they index, filter and map). Strings are decoded;
/// numbers keep their JSON text.
package struct AuditEntry: Sendable, Equatable {
    package let seq: UInt64
    /// The line as stored, without its newline.
    package let line: [UInt8]
    package let fields: [String: String]

    /// Nil when `line` is not a journal line (no seq, prev and hash, or not a JSON object).
    package init?(line: ArraySlice<UInt8>) {
        guard let parsed = AuditLine(line) else { return nil }
        let buffer = ByteBuffer(bytes: line)
        guard let object = try? JSONView.parse(buffer, maxDepth: 4), object.kind == .object else { return nil }
        var fields: [String: String] = [:]
        object.forEachMember { key, value in
            switch value.kind {
            case .string: fields[key.decoded()] = value.string
            case .number, .bool: fields[key.decoded()] = value.rawText
            default: break
            }
            return true
        }
        self.seq = parsed.seq
        self.line = Array(line)
        self.fields = fields
    }

    package subscript(_ field: String) -> String? { fields[field] }

    package var time: String? { fields["time"] }
    package var event: String? { fields["event"] }
    package var text: String { String(decoding: line, as: UTF8.self) }

    /// How much it matters, on syslog's scale (RFC 5424): 5 notice for refusals, 4 warning
    /// for errors and the trail's own troubles, else 6 info.
    package var severity: Int {
        if event == "audit.recovered" { return 4 }
        if event == "call.refused" || fields["decision"] == "deny" { return 5 }
        if let outcome = fields["outcome"], outcome != "ok", outcome != "tool_error" { return 4 }
        return 6
    }
}
