package import Foundation

/// Which records `audit query`, `audit export` and `GET /admin/v1/audit` want: a time range
/// and fields that must match exactly. `outcome: error` stands for every outcome but `ok`
/// (tool errors and JSON-RPC error codes alike).
package struct AuditFilter: Sendable, Equatable {
    /// RFC 3339 in the records' own form (UTC, microseconds), so text order is time order.
    package var since: String?
    package var until: String?
    /// Field name to the value it must have (`principal`, `server`, `tool`, `decision`,
    /// `outcome`, `event`, `session`, `tenant`, `method`).
    package var fields: [String: String] = [:]

    /// The fields a filter may name, each a column of the store's index.
    package static let fieldNames = ["event", "principal", "tenant", "session", "server", "tool", "method", "decision", "outcome"]

    package init(since: String? = nil, until: String? = nil, fields: [String: String] = [:]) {
        self.since = since
        self.until = until
        self.fields = fields
    }

    package func matches(_ entry: AuditEntry) -> Bool {
        if let since, let time = entry.time, time < since { return false }
        if let until, let time = entry.time, time >= until { return false }
        guard !fields.isEmpty else { return true }
        let values = entry.fields
        for (name, wanted) in fields {
            let value = values[name]
            if name == "outcome", wanted == "error" {
                guard let value, value != "ok" else { return false }
            } else if value != wanted {
                return false
            }
        }
        return true
    }

    /// A time as a filter bound: RFC 3339 (`2026-12-06T10:00:00Z`, any offset or fraction),
    /// a date (`2026-12-06`, midnight UTC), or a time ago (`90s`, `15m`, `2h`, `7d`); nil
    /// when it is none of them.
    package static func time(_ text: String, now: Date = Date()) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // A finite time ago within a century ("inf" and "1e300d" parse as numbers too).
        if let last = trimmed.last, let amount = Double(trimmed.dropLast()), amount.isFinite, amount >= 0, amount <= 3_153_600_000 {
            let unit: Double? = switch last {
            case "s": 1
            case "m": 60
            case "h": 3600
            case "d": 86400
            default: nil
            }
            if let unit, amount * unit <= 3_153_600_000 { return rfc3339(now.addingTimeInterval(-amount * unit)) }
            if unit != nil { return nil }
        }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        guard let date = withFraction.date(from: trimmed) ?? plain.date(from: trimmed) ?? day.date(from: trimmed) else { return nil }
        return rfc3339(date)
    }

    private static func rfc3339(_ date: Date) -> String {
        let microseconds = (date.timeIntervalSince1970 * 1_000_000).rounded()
        return AuditTime.rfc3339(Int64(exactly: microseconds) ?? (microseconds < 0 ? 0 : 253_402_300_799_000_000))
    }
}
