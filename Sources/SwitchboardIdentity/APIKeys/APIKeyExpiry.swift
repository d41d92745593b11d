package import Foundation

/// `keys create --expires`: a lifetime (`90m`, `12h`, `30d`, `2w`) counted from now, a day
/// (`2027-01-31`, meaning 00:00 UTC that day) or an RFC 3339 instant (`2027-01-31T12:00:00Z`).
package enum APIKeyExpiry {
    package struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        package let description: String
    }

    package static let syntax = "a lifetime like 90m, 12h, 30d or 2w, or a date like 2027-01-31 or 2027-01-31T12:00:00Z"
    /// A lifetime beyond this is a typo (or a wish for no expiry, which is omitting --expires).
    private static let longestLifetime: TimeInterval = 100 * 366 * 86_400

    package static func parse(_ text: String, now: Date) throws(ParseError) -> Date {
        let expiry: Date
        if let lifetime = lifetime(text) {
            guard lifetime > 0 else { throw ParseError(description: "the lifetime must be more than zero") }
            guard lifetime <= longestLifetime else { throw ParseError(description: "a lifetime of at most 100 years is allowed") }
            expiry = now.addingTimeInterval(lifetime)
        } else if let date = day(text) ?? instant(text) {
            expiry = date
        } else {
            throw ParseError(description: "expected \(syntax)")
        }
        guard expiry > now else { throw ParseError(description: "the expiry is in the past") }
        return expiry
    }

    private static func lifetime(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let count = Int(text.dropLast()), text.first?.isNumber == true else { return nil }
        let seconds: TimeInterval
        switch unit {
        case "m": seconds = 60
        case "h": seconds = 3_600
        case "d": seconds = 86_400
        case "w": seconds = 7 * 86_400
        default: return nil
        }
        return TimeInterval(count) * seconds
    }

    private static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        calendar.timeZone = utc
        let components = DateComponents(year: year, month: month, day: day)
        // Reject 2027-02-30 rather than let the calendar roll it into March.
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }

    private static func instant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions.insert(.withFractionalSeconds)
        return formatter.date(from: text)
    }
}
