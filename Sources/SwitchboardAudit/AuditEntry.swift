import NIOCore
package import SwitchboardCore

/// One record as read back from the journal: its stored line (what sinks pass on, byte for
/// byte), its seq, time and event read at once; its other fields taken apart only when asked
/// for (`fields`), since most sinks copy lines and never need them. Strings are decoded;
/// numbers keep their JSON text.
package struct AuditEntry: Sendable, Equatable {
    package let seq: UInt64
    /// The line as stored, without its newline.
    package let line: [UInt8]
    /// RFC 3339, as the journal writes it.
    package let time: String?
    package let event: String?

    private static let timeMarker = Array(#""time":""#.utf8)
    private static let eventMarker = Array(#","event":""#.utf8)

    /// Nil when `line` is not a journal line (no seq, prev and hash).
    package init?(line: ArraySlice<UInt8>) {
        guard let parsed = AuditLine(line) else { return nil }
        seq = parsed.seq
        self.line = Array(line)
        // The writer puts `time` (27 bytes) and `event` right after `seq`: read in place.
        var time: String?
        var event: String?
        let bytes = self.line
        if let comma = bytes.firstIndex(of: UInt8(ascii: ",")), bytes[(comma + 1)...].starts(with: Self.timeMarker) {
            let start = comma + 1 + Self.timeMarker.count
            if start + 28 <= bytes.count, bytes[start + 27] == UInt8(ascii: "\"") {
                time = String(decoding: bytes[start..<(start + 27)], as: UTF8.self)
                let after = start + 28
                if bytes[after...].starts(with: Self.eventMarker) {
                    let from = after + Self.eventMarker.count
                    if let end = bytes[from...].firstIndex(of: UInt8(ascii: "\"")) { event = String(decoding: bytes[from..<end], as: UTF8.self) }
                }
            }
        }
        if time == nil || event == nil {
            // Not the writer's order (a line from elsewhere): the fields say.
            let fields = Self.fields(of: bytes)
            time = fields["time"]
            event = fields["event"]
        }
        self.time = time
        self.event = event
    }

    /// Every top-level field with a string, number or boolean value, parsed now. Callers
    /// that need several keep the dictionary rather than ask again.
    package var fields: [String: String] { Self.fields(of: line) }

    /// The values of `names`, in that order (nil where absent): one pass over the line that
    /// keeps only those, with no string made for a key or for a field not asked for (the
    /// store's index asks for its columns at every record).
    package func values(of names: JSONKeySet) -> [String?] {
        var values = [String?](repeating: nil, count: names.count)
        guard let object = try? JSONView.parse(ByteBuffer(bytes: line), maxDepth: 4), object.kind == .object else { return values }
        object.forEachMember { key, value in
            guard let index = names.index(of: key) else { return true }
            switch value.kind {
            case .string: values[index] = value.string
            case .number, .bool: values[index] = value.rawText
            default: break
            }
            return true
        }
        return values
    }

    /// One field (parses the line: for a single look).
    package subscript(_ field: String) -> String? { fields[field] }

    package var text: String { String(decoding: line, as: UTF8.self) }

    /// The lines of `entries`, each with its newline: JSONL as the journal holds it.
    package static func jsonl(_ entries: [AuditEntry]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.reduce(0) { $0 + $1.line.count + 1 })
        for entry in entries {
            bytes += entry.line
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// How much it matters, on syslog's scale (RFC 5424): 5 notice for refusals, 4 warning
    /// for errors and the trail's own troubles, else 6 info.
    package var severity: Int { Self.severity(event: event, fields: fields) }

    package static func severity(event: String?, fields: [String: String]) -> Int {
        if event == "audit.recovered" { return 4 }
        if event == "call.refused" || fields["decision"] == "deny" { return 5 }
        if let outcome = fields["outcome"], outcome != "ok", outcome != "tool_error" { return 4 }
        return 6
    }

    private static func fields(of line: [UInt8]) -> [String: String] {
        guard let object = try? JSONView.parse(ByteBuffer(bytes: line), maxDepth: 4), object.kind == .object else { return [:] }
        var fields: [String: String] = [:]
        fields.reserveCapacity(24)
        object.forEachMember { key, value in
            switch value.kind {
            case .string: fields[key.decoded()] = value.string
            case .number, .bool: fields[key.decoded()] = value.rawText
            default: break
            }
            return true
        }
        return fields
    }
}
