/// A refill rate written `N/s`, `N/m` or `N/h`, N a whole number of at least 1.
public struct QuotaRate: Sendable, Equatable, CustomStringConvertible {
    public enum Unit: String, Sendable, Equatable, CaseIterable {
        case second = "s"
        case minute = "m"
        case hour = "h"

        public var seconds: Int {
            switch self {
            case .second: 1
            case .minute: 60
            case .hour: 3_600
            }
        }
    }

    public var count: Int
    public var unit: Unit

    public init(count: Int, per unit: Unit) {
        self.count = count
        self.unit = unit
    }

    public static let expectation = "a rate such as 10/s, 600/m or 1000/h"

    /// Nil unless `text` is exactly `N/s`, `N/m` or `N/h` with N ≥ 1.
    public static func parse(_ text: String) -> QuotaRate? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let count = Int(parts[0]), count >= 1, let unit = Unit(rawValue: String(parts[1]))
        else { return nil }
        return QuotaRate(count: count, per: unit)
    }

    public var perSecond: Double { Double(count) / Double(unit.seconds) }

    public var description: String { "\(count)/\(unit.rawValue)" }
}
