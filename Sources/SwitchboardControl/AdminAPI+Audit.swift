import SwitchboardCore
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardAudit

/// The audit trail on the admin API:
/// - `GET /admin/v1/audit?since=&until=&principal=&server=&tool=&decision=&outcome=&event=&session=&tenant=&method=&limit=`
///   → `{"records": [...]}`, the newest `limit` (default 100, at most 1000) matching records,
///   oldest first, each as the journal holds it. `since`/`until` take RFC 3339, a date, or a
///   time ago (`15m`); `outcome=error` is every outcome but `ok`.
/// - `GET /admin/v1/audit/sinks` → each sink's cursor, lag, deliveries, failures, last error.
/// - `GET /admin/v1/audit/verify` → the chain recomputed, as `switchboard audit verify`.
extension AdminAPI {
    func serveAudit(_ route: Substring, query: Substring, on loop: any EventLoop) -> EventLoopFuture<Reply> {
        guard let audit else { return loop.makeSucceededFuture(Self.error(.notFound, "the audit trail is off (audit.enabled)")) }
        switch route {
        case "audit/sinks":
            return loop.makeSucceededFuture(Self.json(.ok, ["sinks": audit.sinkStatuses.map(Self.sinkObject)]))
        case "audit/verify":
            return storeCall(loop, failure: .internalServerError) { Self.json(.ok, Self.reportObject(try audit.verify())) }
        default:
            let filter: AuditFilter
            let limit: Int
            switch Self.auditQuery(query) {
            case .success(let parsed): (filter, limit) = parsed
            case .failure(let refusal): return loop.makeSucceededFuture(refusal.reply)
            }
            return storeCall(loop, failure: .internalServerError) {
                let records = try audit.query(filter, limit: limit).map { line in
                    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) ?? ["unreadable": line]
                }
                return Self.json(.ok, ["records": records])
            }
        }
    }

    /// The query string as a filter and a limit; a parameter that is not one of them, or a
    /// value that does not parse, is refused by name.
    static func auditQuery(_ query: Substring) -> Result<(AuditFilter, Int), Refusal> {
        var filter = AuditFilter()
        var limit = 100
        for (name, value) in QueryString.pairs(query) {
            func refuse(_ message: String) -> Result<(AuditFilter, Int), Refusal> {
                .failure(Refusal(reply: Self.error(.badRequest, message)))
            }
            switch name {
            case "since", "until":
                guard let time = AuditFilter.time(value) else {
                    return refuse("\(name): expected RFC 3339 (2026-12-06T10:00:00Z), a date, or a time ago (15m, 2h, 7d)")
                }
                if name == "since" { filter.since = time } else { filter.until = time }
            case "limit":
                guard let number = Int(value), (1...1000).contains(number) else { return refuse("limit: expected 1 to 1000") }
                limit = number
            case _ where AuditFilter.fieldNames.contains(name):
                guard !value.isEmpty else { return refuse("\(name): expected a value") }
                filter.fields[name] = value
            default:
                return refuse("unknown parameter \(name); expected since, until, limit, \(AuditFilter.fieldNames.joined(separator: ", "))")
            }
        }
        return .success((filter, limit))
    }

    static func sinkObject(_ status: AuditSinkRunner.Status) -> [String: Any] {
        [
            "name": status.name, "cursor": status.cursor, "lag": status.lag, "delivered": status.delivered, "failures": status.failures,
            "skipped": status.skipped, "lastError": status.lastError as Any,
        ]
    }

    static func reportObject(_ report: AuditVerifier.Report) -> [String: Any] {
        [
            "holds": report.holds, "records": report.records, "segments": report.segments, "lastSeq": report.lastSeq, "head": report.head,
            "checkpoints": report.checkpoints, "lastCheckpointSeq": report.lastCheckpointSeq, "lastSignedSeq": report.lastSignedSeq,
            "uncheckedCheckpoints": report.uncheckedCheckpoints, "problem": report.problem.map(\.description) as Any,
        ]
    }
}
