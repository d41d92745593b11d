import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardAudit
import SwitchboardCore
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
        var endpoint = config.endpoint
        if !endpoint.pathAndQuery.hasSuffix("/v1/logs") {
            endpoint.pathAndQuery = (endpoint.pathAndQuery.hasSuffix("/") ? String(endpoint.pathAndQuery.dropLast()) : endpoint.pathAndQuery) + "/v1/logs"
        }
        client = OneShotHTTPClient(url: endpoint, group: group, timeout: config.timeout.timeAmount, maxBodyBytes: 64 * 1024)
        headers = config.headers
        self.journal = journal
        self.version = version
    }

    func deliver(_ entries: [AuditEntry]) throws {
        guard let first = entries.first, let last = entries.last else { return }
        let body = Self.request(entries, journal: journal, version: version)
        var fields = HTTPHeaders()
        for header in headers { fields.add(name: header.name, value: header.value) }
        fields.replaceOrAdd(name: "Content-Type", value: "application/json")
        let response: OneShotHTTPResponse
        do {
            response = try client.execute(method: .POST, headers: fields, body: Array(body.readableBytesView)).wait()
        } catch {
            throw AuditFailure("OTLP \(client.url.redacted): \(error)")
        }
        guard (200..<300).contains(response.status) else {
            throw AuditFailure("OTLP \(client.url.redacted) answered \(response.status) for records \(first.seq)–\(last.seq)")
        }
    }

    /// An `ExportLogsServiceRequest` in OTLP's JSON form (64-bit integers as strings, ids hex),
    /// written straight into bytes.
    static func request(_ entries: [AuditEntry], journal: String, version: String) -> ByteBuffer {
        var w = JSONWriter()
        w.beginObject()
        w.key("resourceLogs")
        w.beginArray()
        w.beginObject()
        w.key("resource")
        w.beginObject()
        w.key("attributes")
        w.beginArray()
        attribute(&w, "service.name", "switchboard")
        attribute(&w, "service.version", version)
        attribute(&w, "switchboard.audit.journal", journal)
        w.endArray()
        w.endObject()
        w.key("scopeLogs")
        w.beginArray()
        w.beginObject()
        w.key("scope")
        w.beginObject()
        w.field("name", "switchboard.audit")
        w.field("version", version)
        w.endObject()
        w.key("logRecords")
        w.beginArray()
        for entry in entries { logRecord(entry, into: &w) }
        w.endArray()
        w.endObject()
        w.endArray()
        w.endObject()
        w.endArray()
        w.endObject()
        return w.buffer
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
        attribute(&w, "event.name", eventName)
        w.beginObject()
        w.field("key", "switchboard.audit.seq")
        w.key("value")
        w.beginObject()
        w.field("intValue", String(entry.seq))
        w.endObject()
        w.endObject()
        for (field, value) in fields.sorted(by: { $0.key < $1.key }) where !leftOut.contains(field) && field != "seq" {
            attribute(&w, conventionNames[field] ?? "switchboard.audit." + field, value)
        }
        if let outcome = fields["outcome"], outcome != "ok" { attribute(&w, "error.type", outcome) }
        w.endArray()
        if let trace = fields["trace_id"], trace.count == 32, trace.allSatisfy(\.isHexDigit) { w.field("traceId", trace.lowercased()) }
        w.endObject()
    }

    private static func attribute(_ w: inout JSONWriter, _ key: String, _ value: String) {
        w.beginObject()
        w.field("key", key)
        w.key("value")
        w.beginObject()
        w.field("stringValue", value)
        w.endObject()
        w.endObject()
    }
}
