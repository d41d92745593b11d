import NIOCore
import SwitchboardAudit
import SwitchboardCore
import SwitchboardDataPlane
import SwitchboardIdentity

/// Sends records as OpenTelemetry log records over OTLP/HTTP with the JSON encoding
/// (`POST …/v1/logs`), to a Collector or any backend that takes OTLP. Each record is one log
/// record: its event as `event.name` (`switchboard.audit.call.end`), its JSON line as the body,
/// the fields as attributes under their semantic-convention names where there are some
/// (`mcp.method.name`, `gen_ai.tool.name`, `user.id`, `error.type`) and `switchboard.audit.*`
/// otherwise, its trace id when it has one. Retried whole like every sink; a 2xx with
/// `partialSuccess` rejections is taken as delivered (the collector has said it will not take
/// them).
final class AuditOTLPSink: AuditSink {
    let name: String
    private let client: OneShotHTTPClient
    private let headers: [HTTPHeaderField]
    private let journal: String
    private let version: String

    init(name: String, config: AuditSinkConfig.OTLP, journal: String, version: String, group: any EventLoopGroup) {
        self.name = name
        client = OneShotHTTPClient(
            url: HTTPExport.otlpURL(config.endpoint, signal: "logs"), group: group, timeout: config.timeout.timeAmount, maxBodyBytes: 64 * 1024
        )
        headers = config.headers
        self.journal = journal
        self.version = version
    }

    func deliver(_ entries: [AuditEntry]) throws {
        guard let first = entries.first, let last = entries.last else { return }
        let body = OTLPJSON.request(
            kind: "Logs", items: "logRecords",
            resource: [("service.name", "switchboard"), ("service.version", version), ("switchboard.audit.journal", journal)],
            scope: "switchboard.audit", version: version
        ) { w in
            for entry in entries { Self.logRecord(entry, into: &w) }
        }
        do {
            try HTTPExport.post(Array(body.readableBytesView), with: client, headers: headers, fields: [("Content-Type", "application/json")])
        } catch {
            throw AuditFailure("OTLP \(error) for records \(first.seq)–\(last.seq)")
        }
    }

    /// Fields with a semantic-convention name of their own.
    private static let conventionNames = [
        "method": "mcp.method.name", "tool": "gen_ai.tool.name", "principal": "user.id", "session": "mcp.session.id",
        "era": "mcp.protocol.era",
    ]
    /// Fields not copied to attributes: the chain's (they are in the body) and the trace id
    /// (the record's own `traceId`).
    private static let leftOut: Set<String> = ["prev", "hash", "trace_id", "time", "event", "signature"]

    static func logRecord(_ entry: AuditEntry, into w: inout JSONWriter) {
        let nanoseconds = entry.time.flatMap(AuditTime.microseconds).map { String($0 * 1000) } ?? "0"
        let fields = entry.fields
        let (number, text) = switch AuditEntry.severity(event: entry.event, fields: fields) {
        case 4: (13, "WARN")
        case 5: (10, "INFO2")
        default: (9, "INFO")
        }
        let eventName = "switchboard.audit." + (entry.event ?? "unknown")
        w.beginObject()
        w.field("timeUnixNano", nanoseconds)
        w.field("observedTimeUnixNano", nanoseconds)
        w.field("severityNumber", number)
        w.field("severityText", text)
        w.field("eventName", eventName)
        w.key("body")
        w.beginObject()
        w.field("stringValue", entry.text)
        w.endObject()
        w.key("attributes")
        w.beginArray()
        OTLPJSON.attribute(&w, "event.name", .string(eventName))
        OTLPJSON.attribute(&w, "switchboard.audit.seq", .int(Int(clamping: entry.seq)))
        for (field, value) in fields.sorted(by: { $0.key < $1.key }) where !leftOut.contains(field) && field != "seq" {
            OTLPJSON.attribute(&w, conventionNames[field] ?? "switchboard.audit." + field, .string(value))
        }
        if let outcome = fields["outcome"], outcome != "ok" { OTLPJSON.attribute(&w, "error.type", .string(outcome)) }
        w.endArray()
        if let trace = fields["trace_id"], trace.count == 32, trace.allSatisfy(\.isHexDigit) { w.field("traceId", trace.lowercased()) }
        w.endObject()
    }
}
