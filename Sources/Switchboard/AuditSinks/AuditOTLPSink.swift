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
/// them), and logged.
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
        let body = try JSONSerialization.data(withJSONObject: Self.request(entries, journal: journal, version: version))
        var fields = HTTPHeaders()
        for header in headers { fields.add(name: header.name, value: header.value) }
        fields.replaceOrAdd(name: "Content-Type", value: "application/json")
        let response: OneShotHTTPResponse
        do {
            response = try client.execute(method: .POST, headers: fields, body: Array(body)).wait()
        } catch {
            throw AuditFailure("OTLP \(client.url.redacted): \(error)")
        }
        guard (200..<300).contains(response.status) else {
            throw AuditFailure("OTLP \(client.url.redacted) answered \(response.status) for records \(first.seq)–\(last.seq)")
        }
    }

    /// An `ExportLogsServiceRequest` in OTLP's JSON form (64-bit integers as strings, ids hex).
    static func request(_ entries: [AuditEntry], journal: String, version: String) -> [String: Any] {
        let resource: [String: Any] = [
            "attributes": [
                attribute("service.name", "switchboard"), attribute("service.version", version),
                attribute("switchboard.audit.journal", journal),
            ],
        ]
        let scope: [String: Any] = ["scope": ["name": "switchboard.audit", "version": version], "logRecords": entries.map(logRecord)]
        return ["resourceLogs": [["resource": resource, "scopeLogs": [scope]]]]
    }

    /// Fields with a semantic-convention name of their own.
    private static let conventionNames = [
        "method": "mcp.method.name", "tool": "gen_ai.tool.name", "principal": "user.id", "session": "mcp.session.id",
        "era": "mcp.protocol.era",
    ]
    /// Fields not copied to attributes: the chain's (they are in the body) and the trace id
    /// (the record's own `traceId`).
    private static let leftOut: Set<String> = ["prev", "hash", "trace_id", "time", "event", "signature"]

    static func logRecord(_ entry: AuditEntry) -> [String: Any] {
        let nanoseconds = entry.time.flatMap(AuditTime.microseconds).map { String($0 * 1000) } ?? "0"
        let fields = entry.fields
        let (number, text) = switch AuditEntry.severity(event: entry.event, fields: fields) {
        case 4: (13, "WARN")
        case 5: (10, "INFO2")
        default: (9, "INFO")
        }
        var attributes: [[String: Any]] = [attribute("event.name", "switchboard.audit." + (entry.event ?? "unknown"))]
        attributes.append(["key": "switchboard.audit.seq", "value": ["intValue": String(entry.seq)]])
        for (field, value) in fields.sorted(by: { $0.key < $1.key }) where !leftOut.contains(field) && field != "seq" {
            attributes.append(attribute(conventionNames[field] ?? "switchboard.audit." + field, value))
        }
        if let outcome = fields["outcome"], outcome != "ok" { attributes.append(attribute("error.type", outcome)) }
        var record: [String: Any] = [
            "timeUnixNano": nanoseconds, "observedTimeUnixNano": nanoseconds, "severityNumber": number, "severityText": text,
            "eventName": "switchboard.audit." + (entry.event ?? "unknown"), "body": ["stringValue": entry.text], "attributes": attributes,
        ]
        if let trace = fields["trace_id"], trace.count == 32, trace.allSatisfy(\.isHexDigit) { record["traceId"] = trace.lowercased() }
        return record
    }

    private static func attribute(_ key: String, _ value: String) -> [String: Any] {
        ["key": key, "value": ["stringValue": value]]
    }
}
