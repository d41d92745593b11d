/// A record as an RFC 5424 syslog message: `<PRI>1 TIME HOST APP PROCID MSGID - MSG`, the
/// record's own time, MSGID its event, MSG the record's JSON line or a CEF line (ArcSight
/// Common Event Format, which most SIEMs map without a parser of their own).
package struct AuditSyslogMessage: Sendable {
    package enum Format: Sendable {
        case json
        case cef(version: String)
    }

    package let facility: Int
    package let host: String
    package let appName: String
    package let processID: String
    package let format: Format

    package init(facility: Int, host: String, appName: String, processID: Int32, format: Format) {
        self.facility = facility
        self.host = Self.printable(host, max: 255)
        self.appName = Self.printable(appName, max: 48)
        self.processID = String(processID)
        self.format = format
    }

    package func message(_ entry: AuditEntry) -> [UInt8] {
        let fields = entry.fields
        let severity = AuditEntry.severity(event: entry.event, fields: fields)
        let msgID = Self.printable(entry.event ?? "-", max: 32)
        var out = Array("<\(facility * 8 + severity)>1 \(entry.time ?? "-") \(host) \(appName) \(processID) \(msgID) - ".utf8)
        switch format {
        case .json:
            out += entry.line
        case .cef(let version):
            out += Array(Self.cef(entry, fields: fields, version: version).utf8)
        }
        return out
    }

    /// `CEF:0|Switchboard|Switchboard|VERSION|EVENT|NAME|SEVERITY|EXTENSIONS`.
    package static func cef(_ entry: AuditEntry, version: String) -> String {
        cef(entry, fields: entry.fields, version: version)
    }

    static func cef(_ entry: AuditEntry, fields: [String: String], version: String) -> String {
        let severity = AuditEntry.severity(event: entry.event, fields: fields)
        let event = entry.event ?? "unknown"
        // CEF severity 0–10: syslog's scale turned over.
        let cefSeverity = switch severity {
        case 4: 7
        case 5: 5
        default: 3
        }
        var extensions: [(String, String)] = []
        func add(_ key: String, _ field: String) {
            if let value = fields[field] { extensions.append((key, value)) }
        }
        func custom(_ slot: String, label: String, _ field: String) {
            guard let value = fields[field] else { return }
            extensions.append((slot + "Label", label))
            extensions.append((slot, value))
        }
        if let time = entry.time, let milliseconds = AuditTime.microseconds(time).map({ $0 / 1000 }) { extensions.append(("rt", String(milliseconds))) }
        add("suser", "principal")
        add("act", "decision")
        add("outcome", "outcome")
        add("externalId", "id")
        extensions.append(("cn2Label", "seq"))
        extensions.append(("cn2", String(entry.seq)))
        custom("cs1", label: "tool", "tool")
        custom("cs2", label: "server", "server")
        custom("cs3", label: "rule", "rule")
        custom("cs4", label: "session", "session")
        custom("cs5", label: "method", "method")
        custom("cs6", label: "traceId", "trace_id")
        custom("cn1", label: "latencyUs", "latency_us")
        custom("suid", label: "tenant", "tenant")
        let header = ["CEF:0", "Switchboard", "Switchboard", version, event, "MCP " + event, String(cefSeverity)].map(headerEscaped)
        return header.joined(separator: "|") + "|" + extensions.map { "\($0)=\(extensionEscaped($1))" }.joined(separator: " ")
    }

    /// CEF header fields escape `\` and `|`.
    static func headerEscaped(_ text: String) -> String {
        escaped(text) { scalar in
            switch scalar {
            case "\\": "\\\\"
            case "|": "\\|"
            case "\n", "\r": " "
            default: nil
            }
        }
    }

    /// CEF extension values escape `\` and `=`, and write line breaks as `\n` / `\r`.
    static func extensionEscaped(_ text: String) -> String {
        escaped(text) { scalar in
            switch scalar {
            case "\\": "\\\\"
            case "=": "\\="
            case "\n": "\\n"
            case "\r": "\\r"
            default: nil
            }
        }
    }

    private static func escaped(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) { out += replaced } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// RFC 5424 header fields are printable US-ASCII without spaces; `-` when nothing is left.
    static func printable(_ text: String, max: Int) -> String {
        let kept = String(String.UnicodeScalarView(text.unicodeScalars.filter { (33...126).contains($0.value) }.prefix(max)))
        return kept.isEmpty ? "-" : kept
    }
}
